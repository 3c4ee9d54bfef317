#!/usr/bin/env bash
# kill -9 at random moments across a training run, resuming after each, against the same
# run uninterrupted: the final weights and optimizer state must be bitwise equal.
#
#   scripts/kill-trials.sh [KILLS, default 30]
#
# The tiny preset on corpora/tiny-es-en, one thread (bitwise resume holds for a fixed
# thread count and kernel path), a checkpoint after every update (--save-interval-updates 1)
# so that many kills land inside a checkpoint write, and validation every 50 updates. Each
# kill comes after a uniform random delay of 0.3–2.5 s from the process's start (seeded by
# KILL_SEED, default 1); a kill that found a `.tmp-` checkpoint directory had interrupted
# a write. When all kills are spent, the run is resumed to its end and compared file by
# file with the straight run. Prints one line per kill and a verdict; exits 1 on a difference.
set -euo pipefail
cd "$(dirname "$0")/.."
kills=${1:-30}
RANDOM=${KILL_SEED:-1}
updates=${UPDATES:-1600}
work=runs/kill-trials
nmt=.build/release/nmt
[ -x "$nmt" ] || swift build -c release --product nmt
rm -rf "$work"; mkdir -p "$work"

train_flags() { # output, extra flags…: the arguments of nmt for one start
  local output=$1; shift
  flags=(train --config configs/tiny.yaml --output "$output" --threads 1 --max-update "$updates"
    --save-interval-updates 1 --validate-interval-updates 50 --keep-interval-updates 3 --quiet "$@")
}
train() { train_flags "$@"; "$nmt" "${flags[@]}"; }

echo "straight run: $updates updates" >&2
train "$work/straight" > "$work/straight.log" 2>&1

killed=0 in_write=0 starts=0 status=0
start=(--overwrite)
while [ "$killed" -lt "$kills" ]; do
  # nmt itself in the background (not a shell function), so that $! is its pid.
  train_flags "$work/killed" "${start[@]}"
  "$nmt" "${flags[@]}" >> "$work/killed.log" 2>&1 &
  pid=$!
  starts=$((starts + 1))
  delay=$(awk -v r="$RANDOM" 'BEGIN { printf "%.3f", 0.3 + 2.2 * r / 32767 }')
  sleep "$delay"
  if ! kill -0 "$pid" 2> /dev/null; then
    wait "$pid" || true
    echo "the run reached its end before kill $((killed + 1)) (raise UPDATES)" >&2
    break
  fi
  kill -9 "$pid"; wait "$pid" 2> /dev/null || true
  killed=$((killed + 1))
  start=(--resume)
  last=$(readlink "$work/killed/checkpoints/last" 2> /dev/null || echo none)
  where="between checkpoints"
  if compgen -G "$work/killed/checkpoints/.tmp-*" > /dev/null || compgen -G "$work/killed/checkpoints/.*.tmp-*" > /dev/null; then
    where="inside a checkpoint write"; in_write=$((in_write + 1))
  fi
  [ -e "$work/killed/checkpoints/last" ] || start=(--overwrite)  # killed before its first checkpoint
  printf 'kill %2d after %s s: last checkpoint %s, %s\n' "$killed" "$delay" "$last" "$where"
done
echo "resuming to the end" >&2
train "$work/killed" "${start[@]}" >> "$work/killed.log" 2>&1
[ "$killed" -eq "$kills" ] || { echo "only $killed of $kills kills were made"; status=1; }

final=$(printf 'update-%08d' "$updates")
# A safetensors file's tensor bytes (everything after the 8-byte length and the header).
tensor_bytes() { tail -c +$((9 + $(od -An -t u8 -N 8 "$1"))) "$1"; }
# Its header without the run's wall-clock time (the one thing a resumed run may not share).
header_without_clock() { head -c $((8 + $(od -An -t u8 -N 8 "$1"))) "$1" | tail -c +9 | sed -E 's/\\"elapsedSeconds\\":[0-9.e+-]+//; s/ +$//'; }
straight=$work/straight/checkpoints/$final killed_run=$work/killed/checkpoints/$final
if cmp -s "$straight/model.safetensors" "$killed_run/model.safetensors"; then echo "model.safetensors: bitwise equal"
else echo "model.safetensors: DIFFERS"; status=1; fi
if cmp -s <(tensor_bytes "$straight/training-state.safetensors") <(tensor_bytes "$killed_run/training-state.safetensors") &&
   cmp -s <(header_without_clock "$straight/training-state.safetensors") <(header_without_clock "$killed_run/training-state.safetensors"); then
  echo "training-state.safetensors: Adam moments bitwise equal, progress equal but for the elapsed time"
else echo "training-state.safetensors: DIFFERS"; status=1; fi
echo "$killed kills ($in_write inside a checkpoint write) over $starts starts; $([ $status = 0 ] && echo 'final state bitwise equal to the straight run' || echo 'final state differs')"
exit $status
