#!/usr/bin/env bash
# LABO against label smoothing over several seeds and both directions of the Bible corpus
# (issue: LABO's gain made trustworthy; the report goes to docs/RESULTS.md).
#
# For each direction and seed, the two arms train side by side with one thread each (so
# they see the same machine): label_smoothed_cross_entropy α and labo α with τ, the same
# preset, data, seed and batch schedule, $UPDATES updates each. Each finished run is then
# evaluated (valid and test, greedy and beam 5: BLEU, chrF, test NLL by forced decoding),
# and each finished pair gets sacreBLEU's paired bootstrap (LS as the baseline).
#
# Resumable: start it again and it continues where it stopped. A run with a `trained`
# marker is never retrained; an unfinished run resumes from its last checkpoint (written
# at every validation, every $VALIDATE updates); evaluations and significance files that
# exist are kept. Runs go in order: es→en for every seed in $SEEDS, then en→es for every
# seed in $EN_ES_SEEDS (en→es reads the WEB and is scored against the Reina-Valera).
#
# Run directories are scratch (runs/ is not kept in git, and a new machine starts without
# it), so the study keeps what the report needs of every finished pair in $KEEP (committed):
# both arms' eval.json and train.jsonl, the test hypotheses, the significance files and
# machine.txt (commit, CPU, kernel path, OpenBLAS core). A pair found there is done on any
# machine and is never retrained; a pair stopped half-way restarts from its checkpoints
# only where runs/ survived, so start the study early in a session and leave it the cores.
#
# Settings (environment): PRESET=small DATA=corpora/bible-es-en/data OUT=runs/labo-study
# SEEDS="1 2 3" EN_ES_SEEDS="1" UPDATES=2000 VALIDATE=200 ALPHA=0.1 TAU=2
# KEEP=docs/results/labo-study ARMS="ls labo"
#
# ARMS names the two arms of a pair, the baseline first: ls (label smoothing α), labo (LABO
# α, τ), or fp32 / bf16 (LABO α, τ with that --precision: the bf16 quality check,
# ARMS="fp32 bf16" OUT=runs/bf16-check KEEP=docs/results/bf16-check EN_ES_SEEDS="").
set -euo pipefail
cd "$(dirname "$0")/.."
PRESET=${PRESET:-small}
DATA=${DATA:-corpora/bible-es-en/data}
OUT=${OUT:-runs/labo-study}
SEEDS=${SEEDS:-1 2 3}
EN_ES_SEEDS=${EN_ES_SEEDS-1}
UPDATES=${UPDATES:-2000}
VALIDATE=${VALIDATE:-200}
ALPHA=${ALPHA:-0.1}
TAU=${TAU:-2}
KEEP=${KEEP:-docs/results/labo-study}
ARMS=${ARMS:-ls labo}
read -r BASELINE TREATMENT <<< "$ARMS"
bin=.build/release

bash scripts/install-system-packages.sh
swift build -c release --product nmt
swift build -c release --product bleu
if [ "$DATA" = corpora/bible-es-en/data ] && [ ! -f "$DATA/train.es" ]; then bash corpora/bible-es-en/prepare.sh; fi

# The commit the code comes from, and whether Sources differ from it.
source_commit() { echo "$(git rev-parse --short HEAD)$(git diff --quiet HEAD -- Sources || echo ' (with local changes)')"; }

# The last checkpoint's name when a run has done all its updates.
final_checkpoint=$(printf 'update-%08d' "$UPDATES")

train_arm() { # direction seed arm
  local src=${1%-*} tgt=${1#*-} run="$OUT/$1/seed$2/$3" criterion=(--criterion labo --labo-tau "$TAU")
  case $3 in
    ls) criterion=(--criterion label_smoothed_cross_entropy) ;;
    labo) ;;
    fp32 | bf16) criterion+=(--precision "$3") ;;
    *) echo "unknown arm $3 (ARMS takes ls, labo, fp32, bf16)" >&2; return 1 ;;
  esac
  [ -f "$run/trained" ] && return 0
  local start=(--overwrite)
  if [ -L "$run/checkpoints/last" ]; then
    # Done but not marked (stopped between the last checkpoint and the marker): a resume
    # would train once more, so mark it instead.
    if [ "$(readlink "$run/checkpoints/last")" = "$final_checkpoint" ]; then touch "$run/trained"; return 0; fi
    start=(--resume)
  fi
  mkdir -p "$run"
  # The code each session trained it with (a run may span sessions and commits); beside the
  # run directory, which `--overwrite` empties.
  source_commit >> "$run.commits.train"
  "$bin/nmt" train --config "configs/$PRESET.yaml" --output "$run" "${start[@]}" --quiet \
    --train-src "$DATA/train.$src" --train-tgt "$DATA/train.$tgt" --valid-src "$DATA/valid.$src" --valid-tgt "$DATA/valid.$tgt" \
    --threads 1 --seed "$2" --stop-time-hours 0 --max-epoch 0 --max-update "$UPDATES" \
    --validate-interval-updates "$VALIDATE" --label-smoothing "$ALPHA" "${criterion[@]}"
  touch "$run/trained"
}

score() { "$bin/bleu" "$@" -b -w 2; }

evaluate_arm() { # direction seed arm: writes eval.json beside the run
  local src=${1%-*} tgt=${1#*-} run="$OUT/$1/seed$2/$3"
  [ -f "$run/eval.json" ] && return 0
  local model="$run/checkpoints/best"
  source_commit > "$run/commit.eval"
  for split in valid test; do
    for beam in 1 5; do
      "$bin/nmt" translate --model "$model" --input "$DATA/$split.$src" --output "$run/$split.beam$beam.hyp" \
        --beam "$beam" --batch-size 64 --threads 2
    done
  done
  "$bin/nmt" score --model "$model" --src "$DATA/test.$src" --tgt "$DATA/test.$tgt" --output "$run/test.scores" --threads 2
  local nll two_ref_5=null two_ref_1=null
  nll=$(awk -F'\t' '{ s += $1; n += $1 / $2 } END { printf "%.4f", -s / n }' "$run/test.scores")
  if [ "$tgt" = en ] && [ -f "$DATA/test.en-kjv" ]; then
    two_ref_5=$(score "$DATA/test.en" "$DATA/test.en-kjv" -i "$run/test.beam5.hyp")
    two_ref_1=$(score "$DATA/test.en" "$DATA/test.en-kjv" -i "$run/test.beam1.hyp")
  fi
  printf '{"direction": "%s", "seed": %s, "arm": "%s", "updates": %s, "test_nll": %s,
 "beam5": {"valid_bleu": %s, "test_bleu": %s, "test_bleu_2ref": %s, "test_chrf": %s},
 "greedy": {"valid_bleu": %s, "test_bleu": %s, "test_bleu_2ref": %s, "test_chrf": %s}}\n' \
    "$1" "$2" "$3" "$UPDATES" "$nll" \
    "$(score "$DATA/valid.$tgt" -i "$run/valid.beam5.hyp")" "$(score "$DATA/test.$tgt" -i "$run/test.beam5.hyp")" \
    "$two_ref_5" "$(score "$DATA/test.$tgt" -i "$run/test.beam5.hyp" -m chrf)" \
    "$(score "$DATA/valid.$tgt" -i "$run/valid.beam1.hyp")" "$(score "$DATA/test.$tgt" -i "$run/test.beam1.hyp")" \
    "$two_ref_1" "$(score "$DATA/test.$tgt" -i "$run/test.beam1.hyp" -m chrf)" > "$run/eval.json.tmp"
  mv "$run/eval.json.tmp" "$run/eval.json"
}

significance() { # direction seed: paired bootstrap against the baseline arm, BLEU and chrF, both searches
  local tgt=${1#*-} pair="$OUT/$1/seed$2"
  for beam in 1 5; do
    local file="$pair/significance.beam$beam.json"
    [ -f "$file" ] && continue
    "$bin/bleu" "$DATA/test.$tgt" -i "$pair/$BASELINE/test.beam$beam.hyp" "$pair/$TREATMENT/test.beam$beam.hyp" \
      -m bleu chrf --paired-bs -f json > "$file.tmp"
    mv "$file.tmp" "$file"
  done
}

keep_pair() { # direction seed: copies what the report needs into $KEEP, atomically per pair
  local pair="$OUT/$1/seed$2" kept="$KEEP/$1/seed$2"
  [ -f "$kept/significance.beam5.json" ] && return 0
  rm -rf "$kept.tmp"; mkdir -p "$kept.tmp"
  for arm in $BASELINE $TREATMENT; do
    mkdir -p "$kept.tmp/$arm"
    cp "$pair/$arm/eval.json" "$pair/$arm/train.jsonl" "$pair/$arm"/test.beam{1,5}.hyp "$kept.tmp/$arm/"
  done
  cp "$pair"/significance.beam{1,5}.json "$kept.tmp/"
  # Which code and which machine: figures of different CPUs or kernel paths differ in
  # their last digits (README, "On every x86-64 CPU").
  { echo "trained at commit $(sort -u "$pair/$BASELINE.commits.train" "$pair/$TREATMENT.commits.train" 2>/dev/null | paste -sd ' ' -)," \
         "evaluated at $(sort -u "$pair/$BASELINE/commit.eval" "$pair/$TREATMENT/commit.eval" 2>/dev/null | paste -sd ' ' -),"
    # The CPU's family and model: its brand string may not name them.
    lscpu | awk -F: '/^CPU family/ { gsub(/ /, "", $2); f = $2 } /^Model:/ { gsub(/ /, "", $2); m = $2 }
                     END { printf "CPU family %s model %s; ", f, m }'
    "$bin/nmt" --version | tail -n +2 | paste -sd ';' -; } > "$kept.tmp/machine.txt"
  rm -rf "$kept"; mv "$kept.tmp" "$kept"
}

pairs=()
for seed in $SEEDS; do pairs+=("es-en $seed"); done
for seed in $EN_ES_SEEDS; do pairs+=("en-es $seed"); done
for pair in "${pairs[@]}"; do
  set -- $pair
  if [ -f "$KEEP/$1/seed$2/significance.beam5.json" ]; then echo "$1 seed $2: done (kept in $KEEP)" >&2; continue; fi
  echo "$1 seed $2: arms $BASELINE and $TREATMENT (τ=$TAU), $UPDATES updates, side by side" >&2
  train_arm "$1" "$2" "$BASELINE" &
  train_baseline=$!
  train_arm "$1" "$2" "$TREATMENT" &
  train_treatment=$!
  wait "$train_baseline"; wait "$train_treatment"
  evaluate_arm "$1" "$2" "$BASELINE"
  evaluate_arm "$1" "$2" "$TREATMENT"
  significance "$1" "$2"
  keep_pair "$1" "$2"
  cat "$OUT/$1/seed$2/$BASELINE/eval.json" "$OUT/$1/seed$2/$TREATMENT/eval.json" >&2
done
echo "all runs finished and evaluated under $OUT" >&2
