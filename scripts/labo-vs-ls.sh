#!/usr/bin/env bash
# LABO versus label smoothing on the Bible es→en corpus (docs/RESULTS.md).
#
# 1. τ sweep: LABO (α = 0.1) with each τ in $TAUS for $SWEEP_UPDATES updates, two runs at
#    a time with one thread each; the τ with the best validation BLEU (greedy) wins.
# 2. The two arms, concurrently with one thread each so they see the same machine:
#    label_smoothed_cross_entropy α = 0.1 and labo α = 0.1 with the chosen τ, the same
#    preset, data, seed and batch schedule, $FINAL_UPDATES updates each.
# 3. Evaluation of each arm's best checkpoint: validation and test BLEU (13a; WEB, and WEB
#    + KJV), chrF, test NLL (forced decoding), greedy and beam 5; training time, and LABO's
#    time overhead: the ratio of the arms' median training throughputs (target tokens/s
#    over the logged intervals; the arms ran side by side) and of their wall-clock times.
# Writes $OUT/results.json, $OUT/results.md and $OUT/curves.svg. Update budgets (not
# wall-clock) make every number reproducible with the same thread count.
#
# Settings (environment): PRESET=small DATA=corpora/bible-es-en/data OUT=runs/labo-vs-ls
# TAUS="1 2 4 8" SWEEP_UPDATES=300 FINAL_UPDATES=1200 VALIDATE=200 SEED=1
set -euo pipefail
cd "$(dirname "$0")/.."
PRESET=${PRESET:-small}
DATA=${DATA:-corpora/bible-es-en/data}
OUT=${OUT:-runs/labo-vs-ls}
TAUS=${TAUS:-1 2 4 8}
SWEEP_UPDATES=${SWEEP_UPDATES:-300}
FINAL_UPDATES=${FINAL_UPDATES:-1200}
VALIDATE=${VALIDATE:-200}
SEED=${SEED:-1}
bin=.build/release

bash scripts/install-system-packages.sh
swift build -c release --product nmt
swift build -c release --product bleu
if [ "$DATA" = corpora/bible-es-en/data ] && [ ! -f "$DATA/train.es" ]; then bash corpora/bible-es-en/prepare.sh; fi
mkdir -p "$OUT"

train() { # name, then extra flags
  local name=$1; shift
  "$bin/nmt" train --config "configs/$PRESET.yaml" --output "$OUT/$name" --overwrite --quiet \
    --train-src "$DATA/train.es" --train-tgt "$DATA/train.en" --valid-src "$DATA/valid.es" --valid-tgt "$DATA/valid.en" \
    --threads 1 --seed "$SEED" --stop-time-hours 0 --max-epoch 0 --validate-interval-updates "$VALIDATE" "$@"
}

# The last validation BLEU a run logged.
last_bleu() { grep '"kind": "valid"' "$OUT/$1/train.jsonl" | tail -1 | sed -E 's/.*"valid_bleu": ([0-9.e+-]+).*/\1/'; }

echo "τ sweep: ${TAUS} for $SWEEP_UPDATES updates each" >&2
set -- $TAUS
while [ $# -gt 0 ]; do
  train "sweep-tau$1" --criterion labo --label-smoothing 0.1 --labo-tau "$1" --max-update "$SWEEP_UPDATES" &
  if [ $# -gt 1 ]; then train "sweep-tau$2" --criterion labo --label-smoothing 0.1 --labo-tau "$2" --max-update "$SWEEP_UPDATES" & fi
  wait
  shift; [ $# -gt 0 ] && shift
done
best_tau="" best_bleu=-1 sweep_json=""
for tau in $TAUS; do
  b=$(last_bleu "sweep-tau$tau")
  sweep_json+="${sweep_json:+, }{\"tau\": $tau, \"valid_bleu\": $b}"
  if awk -v a="$b" -v c="$best_bleu" 'BEGIN { exit !(a > c) }'; then best_tau=$tau; best_bleu=$b; fi
done
echo "chosen τ = $best_tau (validation BLEU $best_bleu)" >&2

echo "arms: label smoothing and LABO τ=$best_tau, $FINAL_UPDATES updates, concurrently" >&2
train ls --criterion label_smoothed_cross_entropy --label-smoothing 0.1 --max-update "$FINAL_UPDATES" &
train labo --criterion labo --label-smoothing 0.1 --labo-tau "$best_tau" --max-update "$FINAL_UPDATES" &
wait

score() { "$bin/bleu" "$@" -b -w 2; }
arm_json() { # arm
  local arm=$1 model="$OUT/$1/checkpoints/best"
  for split in valid test; do
    for beam in 1 5; do
      "$bin/nmt" translate --model "$model" --input "$DATA/$split.es" --output "$OUT/$arm/$split.beam$beam.hyp" \
        --beam "$beam" --batch-size 64 --threads 2
    done
  done
  "$bin/nmt" score --model "$model" --src "$DATA/test.es" --tgt "$DATA/test.en" --output "$OUT/$arm/test.scores" --threads 2
  local nll hours two_ref_5="null" two_ref_1="null"
  nll=$(awk -F'\t' '{ s += $1; n += $1 / $2 } END { printf "%.4f", -s / n }' "$OUT/$arm/test.scores")
  hours=$(grep '"elapsed"' "$OUT/$arm/train.jsonl" | tail -1 | sed -E 's/.*"elapsed": ([0-9.e+-]+).*/\1/' | awk '{ printf "%.3f", $1 / 3600 }')
  if [ -f "$DATA/test.en-kjv" ]; then
    two_ref_5=$(score "$DATA/test.en" "$DATA/test.en-kjv" -i "$OUT/$arm/test.beam5.hyp")
    two_ref_1=$(score "$DATA/test.en" "$DATA/test.en-kjv" -i "$OUT/$arm/test.beam1.hyp")
  fi
  printf '{"valid_bleu": %s, "test_bleu": %s, "test_bleu_2ref": %s, "test_chrf": %s, "test_nll": %s, "train_hours": %s, "greedy": {"valid_bleu": %s, "test_bleu": %s, "test_bleu_2ref": %s, "test_chrf": %s}' \
    "$(score "$DATA/valid.en" -i "$OUT/$arm/valid.beam5.hyp")" "$(score "$DATA/test.en" -i "$OUT/$arm/test.beam5.hyp")" \
    "$two_ref_5" "$(score "$DATA/test.en" -i "$OUT/$arm/test.beam5.hyp" -m chrf)" "$nll" "$hours" \
    "$(score "$DATA/valid.en" -i "$OUT/$arm/valid.beam1.hyp")" "$(score "$DATA/test.en" -i "$OUT/$arm/test.beam1.hyp")" \
    "$two_ref_1" "$(score "$DATA/test.en" -i "$OUT/$arm/test.beam1.hyp" -m chrf)"
}
# Median target tokens/s over a run's logged training intervals (the first is start-up).
median_speed() {
  grep '"kind": "train"' "$OUT/$1/train.jsonl" | sed -E 's/.*"tgt_tokens_per_second": ([0-9.e+-]+).*/\1/' | tail -n +2 |
    sort -g | awk '{ v[NR] = $1 } END { print (NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2) }'
}
elapsed() { grep '"elapsed"' "$OUT/$1/train.jsonl" | tail -1 | sed -E 's/.*"elapsed": ([0-9.e+-]+).*/\1/'; }
overhead_json=$(awk -v ls="$(median_speed ls)" -v labo="$(median_speed labo)" -v tl="$(elapsed ls)" -v tb="$(elapsed labo)" \
  'BEGIN { printf "{\"step_time_ratio\": %.4f, \"wall_clock_ratio\": %.4f, \"ls_tgt_tokens_per_second\": %.1f, \"labo_tgt_tokens_per_second\": %.1f}", ls / labo, tb / tl, ls, labo }')
ls_json=$(arm_json ls)"}"
labo_json=$(arm_json labo)", \"tau\": $best_tau}"
command="PRESET=$PRESET DATA=$DATA TAUS=\\\"$TAUS\\\" SWEEP_UPDATES=$SWEEP_UPDATES FINAL_UPDATES=$FINAL_UPDATES VALIDATE=$VALIDATE SEED=$SEED bash scripts/labo-vs-ls.sh"
printf '{"preset": "%s", "threads_per_arm": 1, "arms": {"ls": %s, "labo": %s}, "labo_time_overhead": %s, "sweep": [%s], "commands": ["%s"]}\n' \
  "$PRESET" "$ls_json" "$labo_json" "$overhead_json" "$sweep_json" "$command" > "$OUT/results.json"
"$bin/nmt" plot "$OUT/ls" "$OUT/labo" --name "label smoothing α=0.1" --name "LABO α=0.1 τ=$best_tau" \
  --title "LABO vs label smoothing, $PRESET preset" -o "$OUT/curves.svg"
cat "$OUT/results.json"
