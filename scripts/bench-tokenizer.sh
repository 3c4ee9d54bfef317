#!/usr/bin/env bash
# Encoding throughput of `nmt tokenizer encode` against Debian's `spm_encode` on the same
# 100k lines, single thread, run alternately for several rounds (the machine is shared, so
# the ratio of medians is the number to quote); then nmt's batch encoding at 1 and 2 threads.
#
#   bash scripts/bench-tokenizer.sh [ROUNDS]     (default 5)
#
# The 100k lines are generated from corpora/tokenizer-sample/sample.txt into a temporary
# directory (never into git): each sample line, with its words rotated, so lines repeat
# little.
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=${1:-5}

swift build -c release -j 2 --product nmt >&2
nmt=$(swift build -c release --show-bin-path)/nmt

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
awk -v total=100000 '
  { lines[n++] = $0 }
  END {
    for (i = 0; i < total; i++) {
      count = split(lines[i % n], words, " ")
      shift = int(i / n) % (count > 0 ? count : 1)
      out = ""
      for (j = 0; j < count; j++) out = out (j ? " " : "") words[(j + shift) % count + 1]
      print out
    }
  }' corpora/tokenizer-sample/sample.txt > "$work/lines.txt"
"$nmt" tokenizer train --input corpora/tokenizer-sample/sample.txt --output "$work/m.model" \
  --vocab-size 1000 --model-type unigram --character-coverage 1.0

# The outputs being timed are the same bytes.
"$nmt" tokenizer encode --model "$work/m.model" --output-format id "$work/lines.txt" > "$work/nmt.out"
spm_encode --model "$work/m.model" --output_format id < "$work/lines.txt" > "$work/spm.out"
cmp "$work/nmt.out" "$work/spm.out"

# "wall cpu" seconds of a command (cpu = user + system), its output discarded.
seconds() {
  local TIMEFORMAT='%R %U %S' times
  times=$( { time "$@" > /dev/null; } 2>&1 )
  echo "$times" | awk '{ print $1, $2 + $3 }'
}

# The median of column $1 of standard input.
median() {
  awk -v c="$1" '{ print $c }' | sort -g |
    awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

echo "lines: $(wc -l < "$work/lines.txt"), bytes: $(wc -c < "$work/lines.txt"), rounds: $rounds"
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) cores"
for format in id piece; do
  : > "$work/nmt.t"; : > "$work/spm.t"
  for _ in $(seq "$rounds"); do
    seconds "$nmt" tokenizer encode --model "$work/m.model" --output-format "$format" \
      "$work/lines.txt" >> "$work/nmt.t"
    seconds spm_encode --model "$work/m.model" --output_format "$format" \
      < "$work/lines.txt" >> "$work/spm.t"
  done
  for column in 1 2; do
    name=$([ "$column" = 1 ] && echo wall || echo cpu)
    a=$(median "$column" < "$work/nmt.t"); b=$(median "$column" < "$work/spm.t")
    printf 'encode %-5s %-4s median: nmt %.3f s  spm_encode %.3f s  ratio nmt/spm %.3f\n' \
      "$format" "$name" "$a" "$b" "$(echo "$a / $b" | bc -l)"
  done
done

for threads in 1 2; do
  : > "$work/t$threads"
  for _ in $(seq "$rounds"); do
    seconds "$nmt" tokenizer encode --model "$work/m.model" --output-format id \
      --threads "$threads" "$work/lines.txt" >> "$work/t$threads"
  done
done
one=$(median 1 < "$work/t1"); two=$(median 1 < "$work/t2")
printf 'batch encode id, wall median: 1 thread %.3f s  2 threads %.3f s  speed-up %.2f\n' \
  "$one" "$two" "$(echo "$one / $two" | bc -l)"
printf 'batch encode id, cpu median:  1 thread %.3f s  2 threads %.3f s\n' \
  "$(median 2 < "$work/t1")" "$(median 2 < "$work/t2")"
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
