#!/bin/sh
# Every interface string of the sources is translated in every language of
# po/LINGUAS, with nothing fuzzy: the interface must exist in nl and fr.
set -eu
srcdir=$1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cd "$srcdir"
xgettext --from-code=UTF-8 --directory="$srcdir" --files-from=po/POTFILES.in \
  --keyword=_ --keyword=N_ --keyword=C_:1c,2 --keyword=NC_:1c,2 --keyword=g_dngettext:2,3 \
  --keyword=ngettext:1,2 --its=/usr/share/gettext/its/gtkbuilder.its \
  --output="$tmp/trellis.pot" 2>/dev/null || \
xgettext --from-code=UTF-8 --directory="$srcdir" --files-from=po/POTFILES.in \
  --keyword=_ --keyword=N_ --keyword=C_:1c,2 --keyword=NC_:1c,2 --keyword=g_dngettext:2,3 \
  --keyword=ngettext:1,2 --output="$tmp/trellis.pot"
status=0
for lang in $(cat po/LINGUAS); do
  if ! msgcmp "po/$lang.po" "$tmp/trellis.pot" 2>"$tmp/msgcmp"; then
    echo "po/$lang.po lacks strings of the sources (run: ninja -C build trellis-update-po):"
    head -20 "$tmp/msgcmp"
    status=1
  fi
  stats=$(msgfmt --check --statistics -o /dev/null "po/$lang.po" 2>&1)
  echo "$lang: $stats"
  case "$stats" in
    *untranslated*|*fuzzy*) status=1 ;;
  esac
done
exit $status
