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
// median and range over 15 pairs of oneDNN's time ÷ the tiles' (bench.h). Operands on
// 2 MiB pages, as nmt allocates them. Needs AMX (amx_bf16).
#include "CBF16Kernels.h"
#include "COneDNN.h"
#include "bench.h"

// One product's operands and shape, for both engines' calls.
typedef struct {
    char kind;
    int64_t m, n, k, lda, ldb;
    int ta, tb, accumulate;
    uint16_t *a, *b, *pa, *pb, *scratch;
    float *c;
} product;

static void on_tiles(void *context) {
    const product *p = context;
    nmt_amx_pack_b(p->k, p->n, p->b, p->ldb, p->tb, 0, (p->n + 31) / 32 * 2, p->pb);
    if (p->ta || nmt_amx_padded_k(p->k) != p->k) {
        nmt_amx_pack_a(p->m, p->k, p->a, p->lda, p->ta, 0, p->m, p->pa);
        nmt_amx_gemm_packed_a(p->m, p->n, p->k, p->pa, p->pb, p->c, p->n, p->accumulate, NULL);
    } else {
        nmt_amx_gemm(p->m, p->n, p->k, p->a, p->lda, p->pb, p->c, p->n, p->accumulate, NULL, p->scratch);
    }
}

static void on_onednn(void *context) {
    const product *p = context;
    if (nmt_onednn_matmul_bf16(p->m, p->n, p->k, p->a, p->lda, p->ta, p->b, p->ldb, p->tb, p->c, p->n, p->accumulate, NULL)) {
        fprintf(stderr, "oneDNN failed\n");
        exit(1);
    }
}

int main(int argc, char **argv) {
    if (argc != 5 || !strchr("fiw", argv[1][0])) {
        fprintf(stderr, "usage: %s f|i|w M N K\n", argv[0]);
        return 2;
    }
    if (!nmt_amx_bf16_available()) { fprintf(stderr, "no AMX tiles here\n"); return 1; }
    product p = {.kind = argv[1][0], .m = atol(argv[2]), .n = atol(argv[3]), .k = atol(argv[4])};
    p.ta = p.kind == 'w';
    p.tb = p.kind == 'f';
    p.accumulate = p.kind != 'f';
    p.lda = p.ta ? p.m : p.k;
    p.ldb = p.tb ? p.k : p.n;
    p.a = bench_buffer((size_t)(p.m * p.k * 2), 1);
    p.b = bench_buffer((size_t)(p.n * p.k * 2), 1);
    p.pb = bench_buffer((size_t)nmt_amx_packed_b_count(p.k, p.n) * 2, 1);
    p.pa = bench_buffer((size_t)nmt_amx_packed_a_count(p.m, p.k) * 2, 1);
    p.scratch = bench_buffer((size_t)(32 * nmt_amx_padded_k(p.k) * 2), 1);
    p.c = bench_buffer((size_t)(p.m * p.n * 4), 1);
    srand(3); // bf16 values in ±[0.5, 1): no zeros, no subnormals
    for (int64_t i = 0; i < p.m * p.k; i++) p.a[i] = (uint16_t)(0x3f00 + rand() % 255);
    for (int64_t i = 0; i < p.n * p.k; i++) p.b[i] = (uint16_t)(0xbf00 + rand() % 255);
    const bench_pairs t = bench_alternate(on_tiles, on_onednn, &p);
    const double flops = 2.0 * p.m * p.n * p.k;
    printf("%c %ld x %ld x %ld: tiles %.0f GFLOP/s, oneDNN %.0f; oneDNN time / tiles time median %.2f (%.2f-%.2f)\n", p.kind,
           (long)p.m, (long)p.n, (long)p.k, flops / t.first / 1e9, flops / t.second / 1e9, t.ratio, t.ratio_low, t.ratio_high);
    return 0;
}
