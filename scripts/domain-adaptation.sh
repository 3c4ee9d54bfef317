#!/usr/bin/env bash
# The worked example of `nmt train --init-from` (docs/RESULTS.md, "Domain adaptation"):
# the Bible es→en model fine-tuned on LibreOffice's help (es→en) with LABO and with label
# smoothing, from the same checkpoint, for UPDATES updates each; an unfinished arm resumes
# from its last checkpoint. Then every model (the base and both arms) translates both
# domains' test sets with beam 5, and `bleu` scores them (printed, and kept as
# runs/domain-adaptation/MODEL.DOMAIN.bleu).
#
#   BASE=CHECKPOINT UPDATES=1500 bash scripts/domain-adaptation.sh
set -euo pipefail
cd "$(dirname "$0")/.."

BASE=${BASE:-runs/bf16-check/es-en/seed1/fp32/checkpoints/best}
UPDATES=${UPDATES:-1500}
OUT=${OUT:-runs/domain-adaptation}
new=corpora/libreoffice-de-en/data-es-en
old=corpora/bible-es-en/data
[ -f "$BASE/config.json" ] || { echo "domain-adaptation: $BASE is no checkpoint directory" >&2; exit 1; }
[ -f "$new/train.es" ] || SRC=es bash corpora/libreoffice-de-en/prepare.sh
[ -f "$old/test.es" ] || bash corpora/bible-es-en/prepare.sh
swift build -c release --product nmt
swift build -c release --product bleu
bin=$(swift build -c release --show-bin-path)

arm() {
  local name=$1 run="$OUT/$1" start=(--init-from "$BASE" --overwrite)
  shift
  [ -L "$run/checkpoints/last" ] && start=(--resume)
  "$bin/nmt" train "${start[@]}" --output "$run" --quiet \
    --train-src "$new/train.es" --train-tgt "$new/train.en" --valid-src "$new/valid.es" --valid-tgt "$new/valid.en" \
    --max-update "$UPDATES" --max-epoch 0 --stop-time-hours 0 --lr 3e-4 --warmup-updates 100 --max-tokens 4096 \
    --validate-interval-updates 250 --save-interval-updates 250 --no-epoch-checkpoints --keep-interval-updates 2 "$@"
}
arm labo --criterion labo --label-smoothing 0.1 --labo-tau 2
arm ls --criterion label_smoothed_cross_entropy --label-smoothing 0.1

for model in base labo ls; do
  checkpoint=$BASE
  [ "$model" = base ] || checkpoint="$OUT/$model/checkpoints/best"
  for domain in bible libreoffice; do
    data=$old; [ "$domain" = libreoffice ] && data=$new
    hyp="$OUT/$model.$domain.beam5.hyp"
    [ -f "$hyp" ] || "$bin/nmt" translate --model "$checkpoint" --input "$data/test.es" --output "$hyp" --beam 5 --batch-size 64
    "$bin/bleu" "$data/test.en" -i "$hyp" --format json > "$OUT/$model.$domain.bleu"
    echo "$model on $domain: $(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["score"])' "$OUT/$model.$domain.bleu") BLEU"
  done
done
