#!/usr/bin/env bash
# Builds the Spanish→English Bible corpus in corpora/bible-es-en/data/:
# RV1909 (Reina-Valera 1909) sources, World English Bible targets, and the King James
# Version as a second reference for the test set. All three are public domain and come
# from Debian's SWORD modules. Same bytes on every run.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
data="$here/data"
modules_dir="${SWORD_PATH:-/usr/share/sword}/mods.d"

bash "$root/scripts/install-system-packages.sh"

if ! command -v mod2imp >/dev/null; then
  echo "prepare.sh: mod2imp not found (Debian package libsword-utils)" >&2
  exit 1
fi

dumps="$(mktemp -d)"
trap 'rm -rf "$dumps"' EXIT

# name of the dump file, SWORD module, Debian package that installs it
modules=(
  "spanish spaRV1909eb sword-text-sparv"
  "english engWEB2015eb sword-text-web"
  "kjv engKJV2006eb sword-text-kjv"
)
for entry in "${modules[@]}"; do
  read -r name module package <<<"$entry"
  if [ ! -f "$modules_dir/${module,,}.conf" ] && [ ! -f "$modules_dir/$module.conf" ]; then
    echo "prepare.sh: SWORD module $module not found in $modules_dir (Debian package $package)" >&2
    exit 1
  fi
  if ! mod2imp "$module" >"$dumps/$name.imp" 2>"$dumps/$name.err"; then
    echo "prepare.sh: mod2imp $module failed:" >&2
    head -n 3 "$dumps/$name.err" >&2
    exit 1
  fi
done

cd "$root"
swift build -c release -j 2 --product prepare-bible-corpus
"$(swift build -c release --show-bin-path)/prepare-bible-corpus" \
  --spanish "$dumps/spanish.imp" --english "$dumps/english.imp" --kjv "$dumps/kjv.imp" \
  --output "$data"
