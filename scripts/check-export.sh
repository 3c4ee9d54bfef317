#!/usr/bin/env bash
# Developer check of `nmt export` against the real consumers: exports a checkpoint for
# CTranslate2 (float32 and int8) and as an Argos Translate package, then
# scripts/reference/check_export.py compares CTranslate2's and Argos Translate's
# translations with `nmt translate` (greedy agreement, beam-5 and int8 BLEU, wall-clock
# ratios) and prints a short report. Needs Python 3 and PyPI; CI never runs it.
#
#   scripts/check-export.sh [CHECKPOINT [DATA_DIR [THREADS]]]
#
# CHECKPOINT defaults to runs/bible-ls-checkpoint; DATA_DIR (default runs/bible-es-en-test)
# holds test.es and test.en. Everything it makes goes under runs/ (gitignored): the
# virtual environment runs/export-venv (argostranslate pulls stanza and torch, so the first
# run downloads much), the exports and hypotheses in runs/export-check.
set -euo pipefail
cd "$(dirname "$0")/.."

checkpoint=${1:-runs/bible-ls-checkpoint}
data=${2:-runs/bible-es-en-test}
threads=${3:-1}
venv=runs/export-venv
work=runs/export-check

for file in "$checkpoint/config.json" "$data/test.es" "$data/test.en"; do
  [ -f "$file" ] || { echo "check-export: $file is missing" >&2; exit 1; }
done

if [ ! -x "$venv/bin/python" ]; then
  python3 -m venv "$venv"
fi
"$venv/bin/pip" install -q "ctranslate2==4.8.5" "sentencepiece>=0.2,<0.3" "argostranslate==1.11.0"

swift build -c release -j 1 --product nmt
swift build -c release -j 1 --product bleu
bin=$(swift build -c release --show-bin-path)

rm -rf "$work"
mkdir -p "$work"
"$bin/nmt" export --format ctranslate2 --model "$checkpoint" --output "$work/ct2-float32"
"$bin/nmt" export --format ctranslate2 --quantization int8 --model "$checkpoint" --output "$work/ct2-int8"
"$bin/nmt" export --format argos --from es --to en --model "$checkpoint" --output "$work/es_en.argosmodel"

"$venv/bin/python" scripts/reference/check_export.py \
  --nmt "$bin/nmt" --bleu "$bin/bleu" --checkpoint "$checkpoint" \
  --ct2 "$work/ct2-float32" --ct2-int8 "$work/ct2-int8" --argos "$work/es_en.argosmodel" \
  --source "$data/test.es" --reference "$data/test.en" --threads "$threads" --work "$work"
