#!/usr/bin/env bash
# Developer benchmark: oneDNN's bf16 matmul at the small preset's training shapes (a
# thread's half of a 3,900-token batch), one thread: the run-time-dimension primitive
# against exact-shape primitives over whole row blocks (Benchmarks/bf16-engines). Why
# nmt_onednn_matmul_bf16 takes whole 256-row blocks, only where A is untransposed,
# k ≤ 1024 and C's rows are contiguous. Needs an AVX512-BF16 CPU and libdnnl-dev;
# nothing else should run meanwhile.
set -euo pipefail
cd "$(dirname "$0")/.."
grep -qw avx512_bf16 /proc/cpuinfo || { echo "compare-bf16-engines: this CPU has no AVX512-BF16" >&2; exit 1; }
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
cc -O2 Benchmarks/bf16-engines/bf16_blocks.c -ldnnl -o "$out/bf16_blocks"
echo "CPU: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), family $(grep -m1 'cpu family' /proc/cpuinfo | cut -d: -f2 | xargs) model $(grep -m1 '^model[[:space:]]*:' /proc/cpuinfo | cut -d: -f2 | xargs); oneDNN $(dpkg-query -W -f='${Version}' libdnnl-dev 2>/dev/null || echo '?')"
# m n k transpose_b: the output projection, the FFN's two products, q/k/v/out, the FFN
# down product's input gradient (B untransposed), the output projection's input gradient.
for shape in "1950 8000 256 1" "1950 1024 256 1" "1950 256 1024 1" "1950 256 256 1" "1950 256 256 0" "1950 256 1024 0" "1950 256 8000 0"; do
  for rows in 256 512; do OMP_NUM_THREADS=1 "$out/bf16_blocks" $shape $rows; done
done
# A column block of a wider C (C's row stride 16,000 for 8,000 columns): no AMX.
OMP_NUM_THREADS=1 "$out/bf16_blocks" 1950 8000 256 1 256 16000
# The output projection's 8,000-wide C again on 2 MiB pages (LargePageMemory): the exact
# blocks' AMX tile stores write 16 rows at once, each row in another 4 KiB page.
LARGE_PAGES=1 OMP_NUM_THREADS=1 "$out/bf16_blocks" 1950 8000 256 1 256
# The project's AMX tiles against oneDNN as nmt calls it, where the CPU has AMX: forward
# products and input gradients (the tiles take them at k ≤ 1,024), the output projection's
# input gradient and the weight gradients (k = the batch's rows; oneDNN keeps them).
if grep -qw amx_bf16 /proc/cpuinfo; then
  cc -O2 -ISources/CBF16Kernels/include -ISources/COneDNN/include Benchmarks/bf16-engines/tiles_vs_onednn.c \
    Sources/CBF16Kernels/amx.c Sources/CBF16Kernels/bf16.c Sources/COneDNN/onednn.c -ldnnl -o "$out/tiles_vs_onednn"
  for shape in "f 1000 8000 256" "f 1000 1024 256" "f 1000 256 1024" "i 1000 256 1024" "f 1000 1536 512" "i 1000 512 1024" \
               "i 1000 256 8000" "w 8000 256 2000" "w 1024 256 2000" "w 1536 512 4000"; do
    OMP_NUM_THREADS=1 "$out/tiles_vs_onednn" $shape
  done
fi
# Room for own AVX512-BF16 kernels (where there are no tiles, oneDNN takes every layer
# product): the instruction's peak, then a plain register-blocked VDPBF16PS product against
# oneDNN at the small preset's forward and input-gradient shapes.
cc -O3 -ISources/COneDNN/include Benchmarks/bf16-engines/vdpbf16ps_vs_onednn.c Sources/COneDNN/onednn.c -ldnnl -lm \
  -o "$out/vdpbf16ps_vs_onednn"
OMP_NUM_THREADS=1 "$out/vdpbf16ps_vs_onednn" peak
for shape in "f 1000 1024 256" "f 1000 768 256" "f 1000 256 1024" "f 1000 8000 256" "i 1000 256 1024" "f 999 1000 255"; do
  OMP_NUM_THREADS=1 "$out/vdpbf16ps_vs_onednn" $shape
done
