// The project's AMX tile kernels (Sources/CBF16Kernels/amx.c) against oneDNN 2.6 as nmt calls
// it (Sources/COneDNN/onednn.c: exact-shape blocks where it takes them, the run-time
// primitive otherwise) at one product shape, one thread, calls alternating: why
// Tensor.MatMul sends only forward products and input gradients with k ≤ 1,024 to the tiles.
//
//   cc -O2 -ISources/CBF16Kernels/include -ISources/COneDNN/include \
//      Benchmarks/bf16-engines/tiles_vs_onednn.c Sources/CBF16Kernels/amx.c Sources/CBF16Kernels/bf16.c \
//      Sources/COneDNN/onednn.c -ldnnl -o tiles_vs_onednn
//   OMP_NUM_THREADS=1 ./tiles_vs_onednn KIND M N K
//
// KIND f: forward, C (M, N) = A (M, K) · Bᵀ with B stored (N, K) (a weight);
//      i: input gradient, C = A (M, K) · B (K, N), accumulating;
//      w: weight gradient, C = Aᵀ · B with A stored (K, M), B (K, N), accumulating.
// The tiles' time includes packing B (and A when transposed). Prints both rates and the
// median and range over 15 pairs of oneDNN's time ÷ the tiles'. Needs AMX (amx_bf16).
#include "CBF16Kernels.h"
#include "COneDNN.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>

static double now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + t.tv_nsec * 1e-9;
}

// As nmt's LargePageMemory: 2 MiB-aligned, advised for transparent huge pages, zeroed.
static void *large(size_t bytes) {
    size_t rounded = (bytes + (2u << 20) - 1) & ~(size_t)((2u << 20) - 1);
    void *p = NULL;
    if (posix_memalign(&p, 2u << 20, rounded)) { perror("posix_memalign"); exit(1); }
    madvise(p, rounded, MADV_HUGEPAGE);
    memset(p, 0, rounded);
    return p;
}

static int ascending(const void *x, const void *y) {
    double a = *(const double *)x, b = *(const double *)y;
    return a < b ? -1 : a > b;
}

int main(int argc, char **argv) {
    if (argc != 5 || !strchr("fiw", argv[1][0])) {
        fprintf(stderr, "usage: %s f|i|w M N K\n", argv[0]);
        return 2;
    }
    if (!nmt_amx_bf16_available()) { fprintf(stderr, "no AMX tiles here\n"); return 1; }
    const char kind = argv[1][0];
    const int64_t m = atol(argv[2]), n = atol(argv[3]), k = atol(argv[4]);
    const int ta = kind == 'w', tb = kind == 'f', accumulate = kind != 'f';
    const int64_t lda = ta ? m : k, ldb = tb ? k : n;
    uint16_t *a = large((size_t)(m * k * 2)), *b = large((size_t)(n * k * 2));
    uint16_t *pb = large((size_t)nmt_amx_packed_b_count(k, n) * 2), *pa = large((size_t)nmt_amx_packed_a_count(m, k) * 2);
    uint16_t *scratch = large((size_t)(32 * nmt_amx_padded_k(k) * 2));
    float *c = large((size_t)(m * n * 4));
    srand(3); // bf16 values in ±[0.5, 1): no zeros, no subnormals
    for (int64_t i = 0; i < m * k; i++) a[i] = (uint16_t)(0x3f00 + rand() % 255);
    for (int64_t i = 0; i < n * k; i++) b[i] = (uint16_t)(0xbf00 + rand() % 255);
    enum { PAIRS = 15 };
    double tiles[PAIRS], onednn[PAIRS], ratio[PAIRS];
    for (int r = -2; r < PAIRS; r++) { // two warm-up pairs (oneDNN compiles its primitives)
        double t0 = now();
        nmt_amx_pack_b(k, n, b, ldb, tb, 0, (n + 31) / 32 * 2, pb);
        if (ta || nmt_amx_padded_k(k) != k) {
            nmt_amx_pack_a(m, k, a, lda, ta, 0, m, pa);
            nmt_amx_gemm_packed_a(m, n, k, pa, pb, c, n, accumulate, NULL);
        } else {
            nmt_amx_gemm(m, n, k, a, lda, pb, c, n, accumulate, NULL, scratch);
        }
        double t1 = now();
        if (nmt_onednn_matmul_bf16(m, n, k, a, lda, ta, b, ldb, tb, c, n, accumulate, NULL)) { fprintf(stderr, "oneDNN failed\n"); return 1; }
        double t2 = now();
        if (r >= 0) { tiles[r] = t1 - t0; onednn[r] = t2 - t1; ratio[r] = (t2 - t1) / (t1 - t0); }
    }
    qsort(tiles, PAIRS, sizeof *tiles, ascending);
    qsort(onednn, PAIRS, sizeof *onednn, ascending);
    qsort(ratio, PAIRS, sizeof *ratio, ascending);
    const double flops = 2.0 * m * n * k;
    printf("%c %ld x %ld x %ld: tiles %.0f GFLOP/s, oneDNN %.0f; oneDNN time / tiles time median %.2f (%.2f-%.2f)\n", kind,
           (long)m, (long)n, (long)k, flops / tiles[PAIRS / 2] / 1e9, flops / onednn[PAIRS / 2] / 1e9, ratio[PAIRS / 2],
           ratio[0], ratio[PAIRS - 1]);
    return 0;
}
