#!/usr/bin/env bash
# Benchmark: `bleu` (release build) against the `sacrebleu` command line on the same
# 100k-line synthetic pair. Runs A B A B … for ROUNDS rounds, checks that the outputs are
# identical, prints both medians and their ratio. The machine is shared, so quote the ratio.
# Usage: scripts/bench-bleu.sh [ROUNDS] [EXTRA bleu/sacrebleu ARGS...]
# BENCH_SYSTEMS=2 scores two systems (hyp.txt, hyp2.txt), for paired tests:
#   BENCH_LINES=3000 BENCH_SYSTEMS=2 scripts/bench-bleu.sh 3 --paired-bs
set -euo pipefail
cd "$(dirname "$0")/.."
ROUNDS=${1:-3}
shift || true
DATA=${BENCH_DIR:-.build/bench-bleu}
LINES=${BENCH_LINES:-100000}
SYSTEMS=${BENCH_SYSTEMS:-1}

if [[ ! -f $DATA/hyp2.txt || $(wc -l < "$DATA/hyp.txt") -ne $LINES ]]; then
    python3 scripts/bench/make_bleu_data.py "$DATA" "$LINES"
fi
swift build -c release -j 1 --product bleu >/dev/null
BLEU=$(swift build -c release --show-bin-path)/bleu
INPUTS=("$DATA/hyp.txt")
[[ $SYSTEMS == 2 ]] && INPUTS+=("$DATA/hyp2.txt")

A=(sacrebleu "$DATA/ref.txt" -i "${INPUTS[@]}" "$@")
B=("$BLEU" "$DATA/ref.txt" -i "${INPUTS[@]}" "$@")

now() { date +%s.%N; }
times_a=(); times_b=()
for ((r = 1; r <= ROUNDS; r++)); do
    t0=$(now); "${A[@]}" > "$DATA/out-sacrebleu.txt" 2>/dev/null; t1=$(now)
    "${B[@]}" > "$DATA/out-bleu.txt"; t2=$(now)
    times_a+=("$(echo "$t1 - $t0" | bc -l)"); times_b+=("$(echo "$t2 - $t1" | bc -l)")
    cmp -s "$DATA/out-sacrebleu.txt" "$DATA/out-bleu.txt" || {
        echo "outputs differ:"; diff "$DATA/out-sacrebleu.txt" "$DATA/out-bleu.txt"; exit 1; }
done

median() { printf '%s\n' "$@" | sort -g | awk '{v[NR] = $1} END {print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2}'; }
ma=$(median "${times_a[@]}"); mb=$(median "${times_b[@]}")
echo "lines: $LINES  systems: $SYSTEMS  rounds: $ROUNDS  args: ${*:-(defaults)}  outputs identical"
printf 'sacrebleu median: %.3f s\nbleu median:      %.3f s\nratio:            %.1fx\n' "$ma" "$mb" "$(echo "$ma / $mb" | bc -l)"
