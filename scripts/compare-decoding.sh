#!/usr/bin/env bash
# Developer benchmark of whole translation runs: `nmt translate` in fp32 and int8 against
# CTranslate2 running `nmt export`'s float32 and int8 models, greedy and beam 5, at 1 and 2
# threads (scripts/reference/compare_decoding.py prints the table). Needs Python 3 and PyPI;
# CI never runs it. Nothing else should run on the machine meanwhile.
#
#   scripts/compare-decoding.sh CHECKPOINT DATA_DIR [ROUNDS]
#
# DATA_DIR holds test.es and test.en (e.g. corpora/bible-es-en/data). Everything it makes
# goes under runs/ (gitignored): the virtual environment runs/decoding-venv and the exports
# and hypotheses in runs/decoding-compare.
set -euo pipefail
cd "$(dirname "$0")/.."

checkpoint=${1:?usage: scripts/compare-decoding.sh CHECKPOINT DATA_DIR [ROUNDS]}
data=${2:?usage: scripts/compare-decoding.sh CHECKPOINT DATA_DIR [ROUNDS]}
rounds=${3:-3}
venv=runs/decoding-venv
work=runs/decoding-compare

for file in "$checkpoint/config.json" "$data/test.es" "$data/test.en"; do
  [ -f "$file" ] || { echo "compare-decoding: $file is missing" >&2; exit 1; }
done
[ -x "$venv/bin/python" ] || python3 -m venv "$venv"
"$venv/bin/pip" install -q "ctranslate2==4.8.5" "sentencepiece>=0.2,<0.3"

swift build -c release -j 1 --product nmt
swift build -c release -j 1 --product bleu
bin=$(swift build -c release --show-bin-path)

rm -rf "$work"
mkdir -p "$work"
"$bin/nmt" export --format ctranslate2 --model "$checkpoint" --output "$work/ct2-float32"
"$bin/nmt" export --format ctranslate2 --quantization int8 --model "$checkpoint" --output "$work/ct2-int8"

echo "CPU: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), family $(grep -m1 'cpu family' /proc/cpuinfo | cut -d: -f2 | xargs) model $(grep -m1 '^model[[:space:]]*:' /proc/cpuinfo | cut -d: -f2 | xargs)"
env -u OPENBLAS_CORETYPE "$venv/bin/python" scripts/reference/compare_decoding.py \
  --nmt "$bin/nmt" --bleu "$bin/bleu" --checkpoint "$checkpoint" \
  --ct2 "$work/ct2-float32" --ct2-int8 "$work/ct2-int8" \
  --source "$data/test.es" --reference "$data/test.en" --rounds "$rounds" --work "$work"
