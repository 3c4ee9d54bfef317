#!/usr/bin/env bash
# LABO against label smoothing trained to convergence on two tasks (issue: does LABO beat
# label smoothing once the models have converged?). The 2,000-update study stays in
# scripts/labo-study.sh, reproducible as published; this one trains until patience.
#
# Per task and seed, the arms train side by side with one thread each, in lockstep chunks
# of $CHUNK updates (a validation and a checkpoint at each chunk's end): every arm reaches
# update k·$CHUNK before any starts the next chunk, so a pair that moves to another machine,
# or from bf16 to fp32 because the new CPU lacks it, does so at the same update for both
# arms. When arms stop early, those still training share the cores that no arm and no
# evaluation uses (on 2 cores, the last arm of a pair trains on both once the early arm
# has been evaluated): an arm with no partner left has nothing to stay in step with, and
# a core left idle would cost hours per pair. Each arm's train.jsonl records every
# segment (precision and why, CPU and its family and model, kernel path, OpenBLAS core,
# threads) and its end (stop reason, update, elapsed time); $run.commits.train the commit
# and threads of each chunk. An arm is finished when patience runs out or at the cap
# ($CAP updates: not converged, and the report says so). The corpus's checksums are kept
# with the task's finished pairs ($KEEP/<task>/corpus.sha256), and the study refuses to go
# on with a corpus that differs from them (a new machine prepares it again).
#
# Final models as fairseq users evaluate them: the best checkpoint, and the average of the
# 5 interval checkpoints ending at the best one (`nmt average`), both translated with beam
# 5 (valid and test), scored (BLEU, chrF, test NLL by forced decoding) and calibrated on the
# test references (`nmt score --calibration`: accuracy, top-5 accuracy, confidence, entropy, ECE); per
# seed, paired bootstrap and approximate randomization of each arm against label smoothing.
# Each arm is evaluated on one thread, as soon as it stops if a core is free (an arm that
# stops early is evaluated while the others train), else when the pair ends, $CORES arms at
# a time.
#
# Resumable at any point (stop it with Ctrl-C or kill, start it again): a finished arm is
# never retrained, an unfinished one resumes from its last checkpoint. An arm stopped by
# SIGINT or SIGTERM checkpoints the update it is in; one stopped harder (SIGKILL, a machine
# going away) loses at most $SAVE_EVERY updates, as each arm also checkpoints that often
# within a chunk. The trainer prunes them (--keep-interval-updates keeps the newest
# $CHUNK/$SAVE_EVERY − 1, a whole chunk's, for the arms' common resume point) and keeps every
# chunk end (--keep-interval-updates-pattern $CHUNK: the averaged model's inputs; about
# 90 MB each on the small preset). Run directories are scratch; what the report needs of
# a finished pair is copied to $KEEP (committed).
#
# Arms: ls (label smoothing α), labo (LABO α, τ), on every seed; ce (α 0) on the first
# task's first seed (the control: does label regularization matter here?); labo-tau1 on
# the first seed of each task when EXTRA_TAU1=1 (reported apart).
#
# Settings (environment): TASKS="bible-es-en libreoffice-de-en" SEEDS="1 2 3"
# OUT=runs/convergence KEEP=docs/results/convergence CHUNK=500 SAVE_EVERY=100 (0: chunk ends only)
# CAP=20000 PATIENCE=5
# PRECISION=auto ALPHA=0.1 TAU=2 EXTRA_TAU1=0 PRESET=small CORES=$(nproc)
# Recipe (fairseq's for small data): dropout 0.3, lr 1e-3, inverse square root with 1,000
# warmup updates, 4,096 tokens per batch.
set -euo pipefail
cd "$(dirname "$0")/.."
TASKS=${TASKS:-bible-es-en libreoffice-de-en}
SEEDS=${SEEDS:-1 2 3}
OUT=${OUT:-runs/convergence}
KEEP=${KEEP:-docs/results/convergence}
CHUNK=${CHUNK:-500}
SAVE_EVERY=${SAVE_EVERY:-100}
CAP=${CAP:-20000}
PATIENCE=${PATIENCE:-5}
PRECISION=${PRECISION:-auto}
ALPHA=${ALPHA:-0.1}
TAU=${TAU:-2}
EXTRA_TAU1=${EXTRA_TAU1:-0}
PRESET=${PRESET:-small}
CORES=${CORES:-$(nproc)}
bin=.build/release

bash scripts/install-system-packages.sh
swift build -c release --product nmt
swift build -c release --product bleu

task_data() { # task → "data-directory source-suffix target-suffix"
  case $1 in
    bible-es-en) echo "corpora/bible-es-en/data es en" ;;
    libreoffice-de-en) echo "corpora/libreoffice-de-en/data de en" ;;
    tiny-es-en) echo "corpora/tiny-es-en es en" ;;   # for trying the script out
    *) echo "unknown task $1" >&2; return 1 ;;
  esac
}

prepare_task() {
  local data src; read -r data src _ <<< "$(task_data "$1")"
  [ -f "$data/valid.$src" ] && return 0
  case $1 in
    bible-es-en) bash corpora/bible-es-en/prepare.sh ;;
    libreoffice-de-en) bash corpora/libreoffice-de-en/prepare.sh ;;
  esac
}

check_corpus() { # task: the prepared corpus must be the one the task's runs trained on
  # A study outlives machines, and a new machine prepares the corpus again from Debian's
  # packages: a package update that changed the text would move a resumed pair, or a later
  # seed, onto other data without a word. The first preparation's checksums are kept
  # (committed with the finished pairs); every start compares the corpus with them.
  local data; read -r data _ <<< "$(task_data "$1")"
  local kept="$KEEP/$1/corpus.sha256" now
  now=$(cd "$data" && sha256sum train.* valid.* test.*)
  if [ -f "$kept" ]; then
    [ "$now" = "$(cat "$kept")" ] && return 0
    echo "error: the prepared corpus in $data differs from the one $1's runs trained on ($kept):" >&2
    diff "$kept" <(echo "$now") >&2 || true
    echo "restore that corpus (its report.txt names the packages it came from), or move $KEEP/$1 and $OUT/$1 aside to start $1 again" >&2
    exit 1
  fi
  mkdir -p "$KEEP/$1"
  echo "$now" > "$kept.tmp" && mv "$kept.tmp" "$kept"
}

arms_of() { # task seed → the arms of that pair
  local arms="ls labo" first_task first_seed
  read -r first_task _ <<< "$TASKS"
  read -r first_seed _ <<< "$SEEDS"
  [ "$1" = "$first_task" ] && [ "$2" = "$first_seed" ] && arms+=" ce"
  [ "$EXTRA_TAU1" = 1 ] && [ "$2" = "$first_seed" ] && arms+=" labo-tau1"
  echo "$arms"
}

source_commit() { echo "$(git rev-parse --short HEAD)$(git diff --quiet HEAD -- Sources || echo ' (with local changes)')"; }

# The stop reason of a run's last segment ("" if it never finished one).
stop_reason() { grep '"kind": "done"' "$1/train.jsonl" 2>/dev/null | tail -n 1 | sed -n 's/.*"stop_reason": "\([a-z_]*\)".*/\1/p'; }
# The update of a run's last checkpoint (0 before the first).
last_update() { local last; last=$(readlink "$1/checkpoints/last" 2>/dev/null) || { echo 0; return; }; echo $((10#${last#update-})); }
finished() { # run: patience ran out, or the cap was reached
  local reason; reason=$(stop_reason "$1")
  [ "$reason" = patience ] || { [ "$reason" = max_update ] && [ "$(last_update "$1")" -ge "$CAP" ]; }
}

train_chunk() { # task seed arm target-update threads
  local data src tgt; read -r data src tgt <<< "$(task_data "$1")"
  local run="$OUT/$1/seed$2/$3" criterion
  case $3 in
    ls) criterion=(--criterion label_smoothed_cross_entropy --label-smoothing "$ALPHA") ;;
    labo) criterion=(--criterion labo --label-smoothing "$ALPHA" --labo-tau "$TAU") ;;
    labo-tau1) criterion=(--criterion labo --label-smoothing "$ALPHA" --labo-tau 1) ;;
    ce) criterion=(--criterion cross_entropy --label-smoothing 0) ;;
  esac
  local start=(--overwrite)
  [ -L "$run/checkpoints/last" ] && start=(--resume)
  mkdir -p "$run"
  echo "$(source_commit) to update $4$( [ "$5" = 1 ] || echo ", $5 threads")" >> "$run.commits.train"
  "$bin/nmt" train --config "configs/$PRESET.yaml" --output "$run" "${start[@]}" --quiet \
    --train-src "$data/train.$src" --train-tgt "$data/train.$tgt" --valid-src "$data/valid.$src" --valid-tgt "$data/valid.$tgt" \
    --threads "$5" --seed "$2" --precision "$PRECISION" --dropout 0.3 --lr 1e-3 --warmup-updates 1000 --warmup-init-lr 1e-7 \
    --max-tokens 4096 --stop-time-hours 0 --max-epoch 0 --max-update "$4" --validate-interval-updates "$CHUNK" \
    --patience "$PATIENCE" --no-epoch-checkpoints --save-interval-updates "$SAVE_EVERY" \
    --keep-interval-updates $((SAVE_EVERY > 0 ? CHUNK / SAVE_EVERY - 1 : 0)) --keep-interval-updates-pattern "$CHUNK" \
    "${criterion[@]}"
}

point_link() { # run link checkpoint-name: replaced atomically (a new link renamed over the old)
  ln -sfn "$3" "$1/checkpoints/.$2.tmp-$$" && mv -T "$1/checkpoints/.$2.tmp-$$" "$1/checkpoints/$2"
}

best_until() { # run update: the checkpoint the trainer held best at that update (its first
  # validation with the highest BLEU up to it; the last record of an update validated twice)
  awk -v until="$2" '/"kind": "valid"/ {
      match($0, /"update": [0-9.]+/); u = substr($0, RSTART + 10, RLENGTH - 10) + 0
      match($0, /"valid_bleu": [-0-9.e+]+/); if (u <= until) bleu[u] = substr($0, RSTART + 14, RLENGTH - 14) + 0 }
    END { found = 0
      for (u in bleu) if (!found || bleu[u] > best || (bleu[u] == best && u + 0 < at)) { found = 1; best = bleu[u]; at = u + 0 }
      if (found) printf "update-%08d\n", at }' "$1/train.jsonl"
}

align_pair() { # task seed: every unfinished arm resumes from the same update
  # Arms stopped mid-chunk (a signal, a session's end) stand at different updates; each
  # resumes from the newest checkpoint they all have, so that a pair moving to another
  # machine or precision moves at the same update. Checkpoints past it are trained again.
  local runs=() run
  for arm in $(arms_of "$1" "$2"); do
    run="$OUT/$1/seed$2/$arm"
    finished "$run" || runs+=("$run")
  done
  [ ${#runs[@]} -ge 2 ] || return 0
  local common
  common=$(for run in "${runs[@]}"; do ls "$run/checkpoints" 2>/dev/null | grep -E '^update-[0-9]+$' || true; done \
    | sort | uniq -c | awk -v n=${#runs[@]} '$1 == n { print $2 }' | tail -n 1)
  [ -n "$common" ] || return 0
  local u=$((10#${common#update-}))
  for run in "${runs[@]}"; do
    local last; last=$(last_update "$run")
    [ "$last" -eq "$u" ] && continue
    echo "$run: resuming from $common with the other arms (its last checkpoint was update $last)" >&2
    point_link "$run" last "$common"
    local best; best=$(readlink "$run/checkpoints/best" 2>/dev/null) || continue
    if [ $((10#${best#update-})) -gt "$u" ]; then
      best=$(best_until "$run" "$u")
      [ -n "$best" ] && point_link "$run" best "$best"
    fi
  done
}

train_pair() { # task seed: chunk by chunk until every arm is finished
  local arms target=$CAP evaluator=""; arms=$(arms_of "$1" "$2")
  align_pair "$1" "$2"
  # Resume at the chunk the slowest unfinished arm is in.
  for arm in $arms; do
    local run="$OUT/$1/seed$2/$arm"
    finished "$run" || target=$(( $(last_update "$run") / CHUNK * CHUNK + CHUNK < target ? $(last_update "$run") / CHUNK * CHUNK + CHUNK : target ))
  done
  while [ "$target" -le "$CAP" ]; do
    local running=() due=() training=0
    for arm in $arms; do
      local run="$OUT/$1/seed$2/$arm"
      finished "$run" && continue
      training=$((training + 1))
      # Already at this chunk's end (stopped between its arms' chunk ends).
      [ "$(last_update "$run")" -ge "$target" ] || due+=("$arm")
    done
    [ $training = 0 ] && break
    # A core that no arm trains on evaluates the finished arms meanwhile, rather than
    # idling until the last arm stops.
    if [ $training -lt "$CORES" ] && ! running "$evaluator" && [ -n "$(unevaluated "$1" "$2")" ]; then
      [ -z "$evaluator" ] || wait "$evaluator"
      evaluate_finished "$1" "$2" 1 &
      evaluator=$!
    fi
    # One thread each while the arms outnumber the cores; the cores neither training nor
    # evaluating are shared out among the arms left.
    local free=$CORES; running "$evaluator" && free=$((free - 1))
    local threads=$(( ${#due[@]} > 0 && free / ${#due[@]} > 1 ? free / ${#due[@]} : 1 ))
    for arm in "${due[@]}"; do
      train_chunk "$1" "$2" "$arm" "$target" "$threads" &
      running+=($!)
    done
    for pid in "${running[@]}"; do wait "$pid"; done
    target=$((target + CHUNK))
  done
  [ -z "$evaluator" ] || wait "$evaluator"
}

running() { [ -n "$1" ] && kill -0 "$1" 2>/dev/null; }

score() { "$bin/bleu" "$@" -b -w 2; }

# Whether a run's eval.json is of its last update (not, when the arm trained on since: a
# raised cap).
evaluated() { grep -qs "\"updates\": $(last_update "$1")," "$1/eval.json"; }

unevaluated() { # task seed: the finished arms not evaluated yet
  local arm
  for arm in $(arms_of "$1" "$2"); do
    finished "$OUT/$1/seed$2/$arm" && ! evaluated "$OUT/$1/seed$2/$arm" && echo "$arm"
  done
  return 0
}

evaluate_finished() { # task seed slots: the finished arms not evaluated yet, $3 at a time
  local pids=() arm
  for arm in $(unevaluated "$1" "$2"); do
    evaluate_arm "$1" "$2" "$arm" &
    pids+=($!)
    if [ ${#pids[@]} -ge "$3" ]; then wait "${pids[0]}"; pids=("${pids[@]:1}"); fi
  done
  for pid in "${pids[@]}"; do wait "$pid"; done
}

evaluate_arm() { # task seed arm: best and average of 5, beam 5; eval.json beside the run
  # One thread, whatever runs beside it, so that every arm is decoded alike (products
  # split across threads can round differently).
  local data src tgt; read -r data src tgt <<< "$(task_data "$1")"
  local run="$OUT/$1/seed$2/$3"
  evaluated "$run" && return 0
  local best; best=$(readlink "$run/checkpoints/best")
  local b=$((10#${best#update-}))
  # The 5 chunk ends (validations) ending at the best; fewer when the best came early.
  local averaged=$((b / CHUNK < 5 ? b / CHUNK : 5))
  rm -rf "$run/avg5"
  "$bin/nmt" average --run "$run" --num-update-checkpoints "$averaged" --checkpoint-upper-bound best \
    --update-multiple-of "$CHUNK" -o "$run/avg5"
  local fields=()
  for model in best avg5; do
    local dir="$run/checkpoints/best"; [ $model = avg5 ] && dir="$run/avg5"
    for split in valid test; do
      "$bin/nmt" translate --model "$dir" --input "$data/$split.$src" --output "$run/$split.$model.beam5.hyp" --beam 5 --batch-size 64 --threads 1
    done
    "$bin/nmt" score --model "$dir" --src "$data/test.$src" --tgt "$data/test.$tgt" --output "$run/test.$model.scores" --threads 1 \
      --calibration "$run/test.$model.calibration.json"
    local nll; nll=$(awk -F'\t' '{ s += $1; n += $1 / $2 } END { printf "%.4f", -s / n }' "$run/test.$model.scores")
    fields+=("\"$model\": {\"valid_bleu\": $(score "$data/valid.$tgt" -i "$run/valid.$model.beam5.hyp"), \"test_bleu\": $(score "$data/test.$tgt" -i "$run/test.$model.beam5.hyp"), \"test_chrf\": $(score "$data/test.$tgt" -i "$run/test.$model.beam5.hyp" -m chrf), \"test_nll\": $nll}")
  done
  local updates elapsed
  updates=$(grep '"kind": "done"' "$run/train.jsonl" | tail -n 1 | sed -n 's/.*"update": \([0-9.]*\).*/\1/p')
  elapsed=$(grep '"kind": "done"' "$run/train.jsonl" | tail -n 1 | sed -n 's/.*"elapsed": \([0-9.e+]*\).*/\1/p')
  printf '{"task": "%s", "seed": %s, "arm": "%s", "best_update": %s, "updates": %s, "stop_reason": "%s", "elapsed_seconds": %s, "averaged": %s,\n %s}\n' \
    "$1" "$2" "$3" "$b" "${updates%.*}" "$(stop_reason "$run")" "$elapsed" "$averaged" "$(IFS=,; echo "${fields[*]}")" > "$run/eval.json.tmp"
  mv "$run/eval.json.tmp" "$run/eval.json"
}

significance() { # task seed: each arm against label smoothing, best and averaged, BLEU and chrF
  local data tgt; read -r data _ tgt <<< "$(task_data "$1")"
  local pair="$OUT/$1/seed$2"
  for model in best avg5; do
    for test in bs ar; do
      local file="$pair/significance.$model.$test.json" systems=()
      for arm in $(arms_of "$1" "$2"); do systems+=("$pair/$arm/test.$model.beam5.hyp"); done
      # Done already, unless an arm was evaluated again since.
      [ -f "$file" ] && [ -z "$(find "${systems[@]}" -newer "$file")" ] && continue
      "$bin/bleu" "$data/test.$tgt" -i "${systems[@]}" -m bleu chrf "--paired-$test" -f json > "$file.tmp"
      mv "$file.tmp" "$file"
    done
  done
}

keep_pair() { # task seed: what the report needs, into $KEEP, atomically per pair
  local pair="$OUT/$1/seed$2" kept="$KEEP/$1/seed$2"
  [ -f "$kept/significance.avg5.ar.json" ] && return 0
  rm -rf "$kept.tmp"; mkdir -p "$kept.tmp"
  for arm in $(arms_of "$1" "$2"); do
    mkdir -p "$kept.tmp/$arm"
    cp "$pair/$arm/eval.json" "$pair/$arm/train.jsonl" "$pair/$arm"/test.{best,avg5}.{beam5.hyp,calibration.json} \
      "$pair/$arm.commits.train" "$kept.tmp/$arm/"
  done
  cp "$pair"/significance.*.json "$kept.tmp/"
  rm -rf "$kept"; mv "$kept.tmp" "$kept"
}

for task in $TASKS; do
  prepare_task "$task"
  check_corpus "$task"
  for seed in $SEEDS; do
    if [ -f "$KEEP/$task/seed$seed/significance.avg5.ar.json" ]; then echo "$task seed $seed: done (kept in $KEEP)" >&2; continue; fi
    echo "$task seed $seed: arms $(arms_of "$task" "$seed"), chunks of $CHUNK updates, patience $PATIENCE, cap $CAP" >&2
    train_pair "$task" "$seed"
    evaluate_finished "$task" "$seed" "$CORES"
    significance "$task" "$seed"
    keep_pair "$task" "$seed"
  done
done
echo "all pairs finished and kept under $KEEP" >&2
