#!/usr/bin/env bash
# Data-parallel training against threads on one machine, and the all-reduce on its own
# (docs/SCALING.md). Release build; Bible corpus prepared (corpora/bible-es-en/prepare.sh).
#
#   1. Training throughput, small preset: 1 rank × 2 threads with update_freq 2 against
#      mpirun -np 2 × 1 thread with update_freq 1 (the same batches per update), alternating
#      for $ROUNDS rounds of $UPDATES updates; target tokens/s from train.jsonl (the logged
#      windows after the first), and the 2-rank runs' update_ms and allreduce_ms.
#   2. The gradient all-reduce of every preset, over shared memory (Open MPI's default
#      for ranks on one machine) and over TCP loopback (--mca btl tcp,self).
#
# Settings (environment): UPDATES=40 ROUNDS=2 OUT=runs/mpi-bench
set -euo pipefail
cd "$(dirname "$0")/.."
UPDATES=${UPDATES:-40}
ROUNDS=${ROUNDS:-2}
OUT=${OUT:-runs/mpi-bench}
DATA=corpora/bible-es-en/data
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 OMPI_MCA_rmaps_base_oversubscribe=1
swift build -c release --product nmt >/dev/null
swift build -c release --product nmt-bench >/dev/null
mkdir -p "$OUT"
lscpu | grep -E '^Model name|^CPU family|^Model:' | tr -s ' ' > "$OUT/machine.txt"

common=(--config configs/small.yaml --overwrite --quiet --train-src $DATA/train.es --train-tgt $DATA/train.en
        --valid-src $DATA/valid.es --valid-tgt $DATA/valid.en --max-update "$UPDATES" --max-epoch 0 --stop-time-hours 0
        --validate-interval-updates 100000 --valid-bleu-sentences 16 --log-interval 10 --no-epoch-checkpoints --seed 1)
# One tokenizer for every run (trained once), so that the runs time training alone.
if [ ! -f "$OUT/sentencepiece.model" ]; then
  .build/release/nmt train "${common[@]}" --output "$OUT/tokenizer" --max-update 1 --threads 2 >/dev/null
  cp "$OUT/tokenizer/sentencepiece.model" "$OUT/sentencepiece.model"
fi
common+=(--spm-model "$OUT/sentencepiece.model")

for round in $(seq 1 "$ROUNDS"); do
  .build/release/nmt train "${common[@]}" --output "$OUT/threads-$round" --threads 2 --update-freq 2
  mpirun -np 2 .build/release/nmt train "${common[@]}" --output "$OUT/ranks-$round" --threads 1 --update-freq 1
done

python3 - "$OUT" "$ROUNDS" <<'PY'
import json, statistics, sys
out, rounds = sys.argv[1], int(sys.argv[2])
def windows(run):
    rows = [json.loads(line) for line in open(f"{out}/{run}/train.jsonl")]
    return [r for r in rows if r.get("kind") == "train" and r["update"] > 10]   # the first window warms up
summary = {}
for arm in ("threads", "ranks"):
    rates = [statistics.mean(r["tgt_tokens_per_second"] for r in windows(f"{arm}-{k}")) for k in range(1, rounds + 1)]
    summary[arm] = {"tokens_per_second_runs": rates, "tokens_per_second_median": statistics.median(rates)}
ranks = [r for k in range(1, rounds + 1) for r in windows(f"ranks-{k}")]
summary["ranks"]["update_ms_mean"] = statistics.mean(r["update_ms"] for r in ranks)
summary["ranks"]["allreduce_ms_mean"] = statistics.mean(r["allreduce_ms"] for r in ranks)
summary["ratio_ranks_to_threads"] = summary["ranks"]["tokens_per_second_median"] / summary["threads"]["tokens_per_second_median"]
summary["allreduce_share_of_update"] = summary["ranks"]["allreduce_ms_mean"] / summary["ranks"]["update_ms_mean"]
print(json.dumps(summary, indent=2, sort_keys=True))
json.dump(summary, open(f"{out}/training.json", "w"), indent=2, sort_keys=True)
PY

for transport in shared-memory tcp; do
  mca=()
  [ "$transport" = tcp ] && mca=(--mca btl tcp,self)
  mpirun "${mca[@]}" -np 2 .build/release/nmt-bench --scenario allreduce --preset tiny --preset small --preset iwslt --preset base \
    --rounds 9 --json "$OUT/allreduce-$transport.json" | grep '^allreduce'
done
