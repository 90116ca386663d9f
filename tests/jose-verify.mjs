// jose-verify.mjs: verifies a compact JWS against a JWKS with the npm "jose"
// package, a JOSE implementation that is not ours.
//
// Usage: node jose-verify.mjs JWKS-FILE JWS-FILE
// Prints the payload and exits with 0 when the JWS verifies, 1 when not.
//
// Copyright 2026 The Trellis developers
// SPDX-License-Identifier: GPL-3.0-or-later

import { readFileSync } from 'node:fs';
import { compactVerify, createLocalJWKSet, decodeProtectedHeader, importJWK } from 'jose';

const [jwksFile, jwsFile] = process.argv.slice(2);

try {
  const jwks = JSON.parse(readFileSync(jwksFile, 'utf8'));
  const jws = readFileSync(jwsFile, 'utf8').trim();
  const header = decodeProtectedHeader(jws);
  const jwk = jwks.keys.find((key) => key.kid === header.kid);

  if (jwk === undefined)
    throw new Error(`no key ${header.kid} in the JWKS`);

  // Once with the key imported on its own, once picked from the whole set by
  // kid, so that both the JWK format and the JWKS format are checked.
  const key = await importJWK(jwk, 'EdDSA');
  const { payload, protectedHeader } = await compactVerify(jws, key, { algorithms: ['EdDSA'] });
  await compactVerify(jws, createLocalJWKSet(jwks), { algorithms: ['EdDSA'] });

  if (protectedHeader.alg !== 'EdDSA' || protectedHeader.typ !== 'JWT')
    throw new Error(`unexpected header ${JSON.stringify(protectedHeader)}`);
  process.stdout.write(new TextDecoder().decode(payload) + '\n');
  process.exit(0);
} catch (error) {
  process.stderr.write(`jose: ${error.code ?? ''} ${error.message}\n`);
  process.exit(1);
}
