#!/usr/bin/env bash
# Developer benchmark: how fast oneDNN's bf16 products run inside a real training step,
# and what share of the step they take. Trains the small preset on the Bible corpus for
# $UPDATES updates in bf16 with oneDNN's verbose log on (every product call with its shape
# and time), then reads the log (Benchmarks/bf16-engines/product_rates.py). Compare the
# rates with the instruction's peak (`vdpbf16ps_vs_onednn peak`, scripts/compare-bf16-engines.sh).
# Needs an AVX512-BF16 CPU, a release build and the prepared corpus; nothing else should
# run meanwhile.
#
# Settings (environment): UPDATES=60 THREADS=1 CRITERION=labo (or label_smoothed_cross_entropy)
set -euo pipefail
cd "$(dirname "$0")/.."
UPDATES=${UPDATES:-60}
THREADS=${THREADS:-1}
CRITERION=${CRITERION:-labo}
data=corpora/bible-es-en/data
[ -f "$data/train.es" ] || { echo "bf16-products-in-step: prepare the corpus first (bash corpora/bible-es-en/prepare.sh)" >&2; exit 1; }
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
echo "CPU: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), family $(grep -m1 'cpu family' /proc/cpuinfo | cut -d: -f2 | xargs) model $(grep -m1 '^model[[:space:]]*:' /proc/cpuinfo | cut -d: -f2 | xargs); $THREADS thread(s), $CRITERION, commit $(git rev-parse --short HEAD)"
# The convergence study's recipe (scripts/convergence-study.sh).
ONEDNN_VERBOSE=1 ONEDNN_VERBOSE_TIMESTAMP=1 .build/release/nmt train --config configs/small.yaml --output "$out/run" --quiet \
  --train-src "$data/train.es" --train-tgt "$data/train.en" --valid-src "$data/valid.es" --valid-tgt "$data/valid.en" \
  --threads "$THREADS" --seed 1 --precision bf16 --dropout 0.3 --lr 1e-3 --warmup-updates 1000 --max-tokens 4096 \
  --stop-time-hours 0 --max-epoch 0 --max-update "$UPDATES" --validate-interval-updates 100000 \
  --criterion "$CRITERION" --label-smoothing 0.1 --labo-tau 2 > "$out/verbose.log"
python3 Benchmarks/bf16-engines/product_rates.py --threads "$THREADS" "$out/verbose.log"
