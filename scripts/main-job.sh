#!/usr/bin/env bash
# The main job, end to end: system packages, release build, the Bible es→en corpus,
# training the small preset for a bounded time (configs/small.yaml: about 20 minutes on
# 2 cores), translating the test set with beam 5, and BLEU against the WEB reference
# (and with the KJV as a second reference); then the average of the last 5 update
# checkpoints (nmt average), translated with beam 5 and scored beside the best checkpoint.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-system-packages.sh
# One product per call: given several --product flags, swift build builds only the last.
swift build -c release --product nmt
swift build -c release --product bleu
bin=.build/release
bash corpora/bible-es-en/prepare.sh
data=corpora/bible-es-en/data
run=runs/bible-small
# A checkpoint every 50 updates, so that the last 5 span the last 250 updates for averaging.
"$bin/nmt" train --config configs/small.yaml --output "$run" --overwrite --save-interval-updates 50 "$@"
"$bin/nmt" translate --model "$run/checkpoints/best" --input "$data/test.es" --output "$run/test.beam5.hyp" --beam 5 --batch-size 64
"$bin/nmt" translate --model "$run/checkpoints/best" --input "$data/test.es" --output "$run/test.greedy.hyp" --beam 1 --batch-size 64
for search in greedy beam5; do
  echo "test set, $search, WEB reference:"
  "$bin/bleu" "$data/test.en" -i "$run/test.$search.hyp"
done
echo "test set, beam5, WEB and KJV references:"
"$bin/bleu" "$data/test.en" "$data/test.en-kjv" -i "$run/test.beam5.hyp"
# Checkpoint averaging (fairseq's average_checkpoints.py): the last 5 update checkpoints.
"$bin/nmt" average --run "$run" --num-update-checkpoints 5 --output "$run/average-last5"
"$bin/nmt" translate --model "$run/average-last5" --input "$data/test.es" --output "$run/test.average5.beam5.hyp" --beam 5 --batch-size 64
echo "test set, beam5, WEB reference: average of the last 5 update checkpoints, then the best checkpoint:"
"$bin/bleu" "$data/test.en" -i "$run/test.average5.beam5.hyp" "$run/test.beam5.hyp"
