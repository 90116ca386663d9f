/* fuzz-harness.h: what every fuzz-*.c defines, and what they share
 *
 * Copyright 2026 The Trellis developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

/* libFuzzer's entry point (https://llvm.org/docs/LibFuzzer.html): the
 * harness must not keep @data, and returns 0. fuzz-replay.c calls it the
 * same way without libFuzzer. */
int LLVMFuzzerTestOneInput (const uint8_t *data,
                            size_t         size);

static GLogWriterOutput
fuzz_log_writer (GLogLevelFlags   log_level,
                 const GLogField *fields,
                 gsize            n_fields,
                 gpointer         user_data)
{
  GLogWriterOutput result = g_log_writer_default (log_level, fields, n_fields, user_data);

  /* GLib ends a fatal message with a breakpoint (SIGTRAP), which libFuzzer
   * does not catch: abort() makes it save the input. */
  if (log_level & (G_LOG_LEVEL_ERROR | G_LOG_LEVEL_CRITICAL))
    abort ();
  return result;
}

/* Call once, before anything logs: criticals are failed preconditions, and
 * so bugs for a fuzzer, and g_error() is how harnesses report a broken
 * property. */
static inline void
fuzz_init_logging (void)
{
  g_log_set_writer_func (fuzz_log_writer, NULL, NULL);
}
