#!/usr/bin/env bash
# Builds a parallel corpus from LibreOffice's documentation, German→English by default:
# the help pages of both languages (Debian's libreoffice-help-*, 7.4 on Debian 12) aligned
# by page path and paragraph id, split by page into train/valid/test, and LibreOffice's
# interface strings (libreoffice-l10n-*, gettext catalogues) as a separate optional part
# (ui.*). Installs the packages it needs. Same bytes on every run (report.txt says what was
# read, kept and dropped, and the package versions).
#
# Settings (environment): SRC=de TGT=en-US (help language directories; one side English)
# OUTPUT=corpora/libreoffice-de-en/data for de→en, data-<src>-<tgt> otherwise
# HELD_OUT=1500 (pairs in each of valid and test). E.g. the fine-tuning domain:
#   SRC=es bash corpora/libreoffice-de-en/prepare.sh
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
SRC=${SRC:-de}
TGT=${TGT:-en-US}
HELD_OUT=${HELD_OUT:-1500}
short() { local code=${1%%-*}; echo "${code,,}"; }
if [ "$SRC" = de ] && [ "$TGT" = en-US ]; then default_output="$here/data"; else default_output="$here/data-$(short "$SRC")-$(short "$TGT")"; fi
OUTPUT=${OUTPUT:-$default_output}

# The interface strings' catalogues come with the non-English language's l10n package
# (English is LibreOffice's built-in language and has none).
case "$SRC" in en*) ui_language=$TGT ;; *) ui_language=$SRC ;; esac
packages=("libreoffice-help-${SRC,,}" "libreoffice-help-${TGT,,}" "libreoffice-l10n-${ui_language,,}" gettext)
missing=()
for package in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
if [ ${#missing[@]} -gt 0 ]; then
  sudo_if_needed=(); [ "$(id -u)" -ne 0 ] && sudo_if_needed=(sudo)
  echo "installing: ${missing[*]}" >&2
  export DEBIAN_FRONTEND=noninteractive
  "${sudo_if_needed[@]}" apt-get update -qq
  "${sudo_if_needed[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

help_root=/usr/share/libreoffice/help
for language in "$SRC" "$TGT"; do
  [ -d "$help_root/$language" ] || { echo "prepare.sh: no help pages in $help_root/$language" >&2; exit 1; }
done
catalogues="$(mktemp -d)"
trap 'rm -rf "$catalogues"' EXIT
mo_dir=/usr/lib/libreoffice/program/resource/$ui_language/LC_MESSAGES
for mo in "$mo_dir"/*.mo; do msgunfmt "$mo" > "$catalogues/$(basename "$mo" .mo).po"; done

versions=()
for package in "${packages[@]}"; do
  versions+=(--package "$package $(dpkg-query -W -f='${Version}' "$package")")
done

cd "$root"
swift build -c release -j 2 --product prepare-libreoffice-corpus
"$(swift build -c release --show-bin-path)/prepare-libreoffice-corpus" \
  --help-root "$help_root" --source "$SRC" --target "$TGT" --output "$OUTPUT" \
  --interface-po "$catalogues" --held-out "$HELD_OUT" "${versions[@]}"
