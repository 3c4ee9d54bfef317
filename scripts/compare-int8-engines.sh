#!/usr/bin/env bash
# Developer benchmark: nmt's int8 product (CInt8Kernels, VNNI path) against Debian's oneDNN
# u8×s8 matmul at decoding shapes, one thread (Benchmarks/int8-engines/int8_engines.c).
# Needs an AVX512-VNNI CPU and libdnnl-dev; nothing else should run meanwhile.
set -euo pipefail
cd "$(dirname "$0")/.."
grep -qw avx512_vnni /proc/cpuinfo || { echo "compare-int8-engines: this CPU has no AVX512-VNNI" >&2; exit 1; }
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
# int8.c as Package.swift builds it: clang (the Swift toolchain's, which honours the kernels'
# unroll pragmas), -O2, the kernels carrying their own target attributes.
clang -O2 -ISources/CInt8Kernels/include -c Sources/CInt8Kernels/int8.c -o "$out/int8.o"
# The harness itself with -march=native, so that its oneDNN epilogue pass is vectorized.
clang -O3 -march=native -ISources/CInt8Kernels/include Benchmarks/int8-engines/int8_engines.c "$out/int8.o" -ldnnl -ldl -o "$out/int8_engines"
echo "CPU: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), family $(grep -m1 'cpu family' /proc/cpuinfo | cut -d: -f2 | xargs) model $(grep -m1 '^model[[:space:]]*:' /proc/cpuinfo | cut -d: -f2 | xargs); oneDNN $(dpkg-query -W -f='${Version}' libdnnl-dev 2>/dev/null || echo '?')"
OMP_NUM_THREADS=1 "$out/int8_engines"
