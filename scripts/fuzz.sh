#!/usr/bin/env bash
# Fuzzes the parsers of untrusted input (FuzzTargets.FuzzTarget) with libFuzzer and the
# address sanitizer: scripts/fuzz.sh [SECONDS per target, default 600] [TARGET…]
#
# nmt-fuzz is built with `-sanitize=fuzzer,address` into .build-fuzz. Each target's corpus
# grows in runs/fuzz/TARGET/corpus, starting from the seeds in
# Tests/FuzzTargetsTests/Corpus/TARGET; inputs that crash, leak or hang are saved beside it
# (crash-*, leak-*, timeout-*) and make the script fail. Every run appends its executions
# to runs/fuzz/TARGET/executions, so the totals over several runs are kept
# (docs/RELIABILITY.md quotes them). A saved input is replayed against a fixed build with
# `.build/debug/nmt-fuzz TARGET FILE`.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-600}
shift || true
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(safetensors model-config yaml-config corpus-lines bleu-tokenizers bleu-references sentencepiece marian-vocabulary marian-config)

# Coverage for libFuzzer (what -sanitize=fuzzer adds) and the address sanitizer, with
# libFuzzer's library linked without its main: nmt-fuzz has its own (it picks the target).
libfuzzer=$(dirname "$(dirname "$(readlink -f "$(command -v swiftc)")")")/lib/clang
libfuzzer=$(ls "$libfuzzer"/*/lib/linux/libclang_rt.fuzzer_no_main-x86_64.a | head -1)
swift build --scratch-path .build-fuzz --product nmt-fuzz -Xswiftc -DNMT_FUZZ -Xswiftc -O \
  -Xswiftc -sanitize=address -Xswiftc -sanitize-coverage=edge,inline-8bit-counters,pc-table,trace-cmp \
  -Xlinker "$libfuzzer" -Xlinker -lstdc++
fuzzer=.build-fuzz/debug/nmt-fuzz

failed=0
for target in "${targets[@]}"; do
  dir=runs/fuzz/$target
  mkdir -p "$dir/corpus"
  log=$dir/last.log
  # Sentences, not files, for the bleu targets: their cost grows with the line, and
  # 1 KB lines reach every branch of the tokenizers.
  case $target in bleu-*) max_len=1024 ;; *) max_len=8192 ;; esac
  set +e
  # -timeout: an input taking 10 s is a hang; -rss_limit_mb: 4 GiB is a memory blow-up.
  # A small quarantine: the default 256 MB keeps freed memory out of reuse so long that
  # page faults dominate the targets that allocate per input.
  ASAN_OPTIONS=detect_leaks=1:quarantine_size_mb=16:malloc_context_size=10 "$fuzzer" "$target" "$dir/corpus" "Tests/FuzzTargetsTests/Corpus/$target" \
    -max_total_time="$seconds" -timeout=10 -rss_limit_mb=4096 -max_len=$max_len \
    -artifact_prefix="$dir/" -print_final_stats=1 > "$log" 2>&1
  status=$?
  set -e
  runs=$(awk '/stat::number_of_executed_units/ { print $NF }' "$log")
  echo "${runs:-0} $(date -u +%FT%TZ) $seconds s" >> "$dir/executions"
  total=$(awk '{ s += $1 } END { print s }' "$dir/executions")
  artifacts=$(find "$dir" -maxdepth 1 -name 'crash-*' -o -maxdepth 1 -name 'leak-*' -o -maxdepth 1 -name 'timeout-*' -o -maxdepth 1 -name 'oom-*' | wc -l)
  printf '%-16s %10s inputs this run, %11s in all, exit %s, %s saved crash/leak/hang inputs\n' \
    "$target" "${runs:-0}" "$total" "$status" "$artifacts"
  if [ "$status" -ne 0 ] || [ "$artifacts" -ne 0 ]; then failed=1; tail -30 "$log" >&2; fi
done
exit $failed
