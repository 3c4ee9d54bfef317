// Is there room for own AVX512-BF16 kernels beside oneDNN on a CPU without AMX tiles?
// Measures, on one thread:
//   peak: VDPBF16PS on 12 independent zmm accumulators (the instruction's throughput, the
//         ceiling of any bf16 product here), and VFMADD231PS the same way (fp32's ceiling);
//   KIND M N K: a plain register-blocked VDPBF16PS product (8 × 32 blocks of C in 16
//         accumulators, op(B) packed into 32-column panels of pairs, k in blocks of 256 so
//         that a panel stays in L1; packing included in its time) against oneDNN 2.6 as nmt
//         calls it (Sources/COneDNN/onednn.c), calls alternating, 15 pairs after 2 warm-ups.
// KIND f: forward, C (M, N) = A (M, K) · Bᵀ with B stored (N, K) (a weight);
//      i: input gradient, C += A (M, K) · B (K, N).
// Prints both rates, the median and range of oneDNN's time ÷ the plain kernel's, and the
// largest relative difference of their results (both accumulate bf16 products in fp32).
//
//   cc -O3 -ISources/COneDNN/include Benchmarks/bf16-engines/vdpbf16ps_vs_onednn.c \
//      Sources/COneDNN/onednn.c -ldnnl -lm -o vdpbf16ps_vs_onednn
//   OMP_NUM_THREADS=1 ./vdpbf16ps_vs_onednn peak
//   OMP_NUM_THREADS=1 ./vdpbf16ps_vs_onednn f 1000 1024 256
#include "COneDNN.h"
#include "bench.h"

#include <immintrin.h>
#include <math.h>

#define BF16 __attribute__((target("avx512f,avx512bw,avx512vl,avx512dq,avx512bf16")))
#define K_BLOCK 256 // a panel's block: 128 pairs × 32 columns × 4 bytes = 16 KiB

// Throughput of one instruction over 12 independent chains (more than its latency × its
// rate, so the chains never wait); the empty asm keeps the accumulators live.
BF16 static void peak(void) {
    const long iterations = 100000000;
    __m512 dot[12], fma[12];
    for (int j = 0; j < 12; j++) dot[j] = fma[j] = _mm512_set1_ps(1.0f);
    const __m512bh one = (__m512bh)_mm512_set1_epi16(0x3f80);
    double t = bench_now();
    for (long i = 0; i < iterations; i++) {
#pragma GCC unroll 12
        for (int j = 0; j < 12; j++) dot[j] = _mm512_dpbf16_ps(dot[j], one, one);
        __asm__ volatile("" : "+v"(dot[0]), "+v"(dot[1]), "+v"(dot[2]), "+v"(dot[3]), "+v"(dot[4]), "+v"(dot[5]),
                         "+v"(dot[6]), "+v"(dot[7]), "+v"(dot[8]), "+v"(dot[9]), "+v"(dot[10]), "+v"(dot[11]));
    }
    double dot_time = bench_now() - t;
    t = bench_now();
    for (long i = 0; i < iterations; i++) {
#pragma GCC unroll 12
        for (int j = 0; j < 12; j++) fma[j] = _mm512_fmadd_ps(fma[j], fma[j], fma[j]);
        __asm__ volatile("" : "+v"(fma[0]), "+v"(fma[1]), "+v"(fma[2]), "+v"(fma[3]), "+v"(fma[4]), "+v"(fma[5]),
                         "+v"(fma[6]), "+v"(fma[7]), "+v"(fma[8]), "+v"(fma[9]), "+v"(fma[10]), "+v"(fma[11]));
    }
    double fma_time = bench_now() - t;
    printf("peak, one thread: VDPBF16PS zmm %.1f GFLOP/s, VFMADD231PS zmm %.1f GFLOP/s\n",
           iterations * 12 * 64.0 / dot_time / 1e9, iterations * 12 * 32.0 / fma_time / 1e9);
}

// op(B) (k, n) into 32-column panels: panel p holds pairs (q, c), the 32-bit word
// (op(B)[2q][32p + c], op(B)[2q + 1][32p + c]), at (p · ceil(k / 2) + q) · 32 + c; zeros past
// k and n. op(B) = Bᵀ with B stored (n, k) when transpose_b, else B stored (k, n).
static void pack_b(int64_t k, int64_t n, const uint16_t *b, int64_t ldb, int transpose_b, uint32_t *packed) {
    const int64_t pairs = (k + 1) / 2;
    for (int64_t p = 0; p < (n + 31) / 32; p++)
        for (int64_t q = 0; q < pairs; q++)
            for (int64_t c = 0; c < 32; c++) {
                const int64_t j = 32 * p + c;
                uint32_t low = 0, high = 0;
                if (j < n) {
                    low = transpose_b ? b[j * ldb + 2 * q] : b[2 * q * ldb + j];
                    if (2 * q + 1 < k) high = transpose_b ? b[j * ldb + 2 * q + 1] : b[(2 * q + 1) * ldb + j];
                }
                packed[(p * pairs + q) * 32 + c] = low | high << 16;
            }
}

// rows (≤ 8) × 32 values of C from pairs [q0, q1) of A's rows (bf16, row stride lda) and a
// panel; `odd` adds the unpaired last value of k. `add`: C += the block, else C = it.
BF16 static inline __attribute__((always_inline)) void block(const int rows, int64_t q0, int64_t q1, int odd,
                                                             const uint16_t *a, int64_t lda, const uint32_t *panel,
                                                             float *c, int64_t ldc, int64_t width, int add) {
    __m512 acc[8][2];
    for (int r = 0; r < 8; r++) acc[r][0] = acc[r][1] = _mm512_setzero_ps();
    for (int64_t q = q0; q < q1 + odd; q++) {
        const __m512bh b0 = (__m512bh)_mm512_load_si512(panel + q * 32);
        const __m512bh b1 = (__m512bh)_mm512_load_si512(panel + q * 32 + 16);
        for (int r = 0; r < rows; r++) {
            uint32_t pair;
            if (q < q1) memcpy(&pair, a + r * lda + 2 * q, 4);
            else pair = a[r * lda + 2 * q]; // k odd: the last value alone, its partner zero
            const __m512bh x = (__m512bh)_mm512_set1_epi32((int)pair);
            acc[r][0] = _mm512_dpbf16_ps(acc[r][0], x, b0);
            acc[r][1] = _mm512_dpbf16_ps(acc[r][1], x, b1);
        }
    }
    const __mmask16 m0 = width >= 16 ? 0xffff : (__mmask16)((1u << width) - 1);
    const __mmask16 m1 = width >= 32 ? 0xffff : width <= 16 ? 0 : (__mmask16)((1u << (width - 16)) - 1);
    for (int r = 0; r < rows; r++) {
        float *row = c + r * ldc;
        if (add) {
            acc[r][0] = _mm512_add_ps(acc[r][0], _mm512_maskz_loadu_ps(m0, row));
            acc[r][1] = _mm512_add_ps(acc[r][1], _mm512_maskz_loadu_ps(m1, row + 16));
        }
        _mm512_mask_storeu_ps(row, m0, acc[r][0]);
        _mm512_mask_storeu_ps(row + 16, m1, acc[r][1]);
    }
}

BF16 static void product(int64_t m, int64_t n, int64_t k, const uint16_t *a, int64_t lda, const uint32_t *packed,
                         float *c, int64_t ldc, int accumulate) {
    const int64_t pairs = (k + 1) / 2;
    for (int64_t k0 = 0; k0 < k; k0 += K_BLOCK) {
        const int64_t k1 = k0 + K_BLOCK < k ? k0 + K_BLOCK : k;
        const int odd = (int)(k1 & 1), add = accumulate || k0 > 0;
        for (int64_t p = 0; p < (n + 31) / 32; p++) {
            const uint32_t *panel = packed + p * pairs * 32;
            for (int64_t i = 0; i < m; i += 8) {
                const uint16_t *ai = a + i * lda;
                float *ci = c + i * ldc + 32 * p;
                const int64_t width = n - 32 * p;
                switch (m - i < 8 ? m - i : 8) { // each row count its own unrolled copy
                case 8: block(8, k0 / 2, k1 / 2, odd, ai, lda, panel, ci, ldc, width, add); break;
                case 7: block(7, k0 / 2, k1 / 2, odd, ai, lda, panel, ci, ldc, width, add); break;
                case 6: block(6, k0 / 2, k1 / 2, odd, ai, lda, panel, ci, ldc, width, add); break;
                case 5: block(5, k0 / 2, k1 / 2, odd, ai, lda, panel, ci, ldc, width, add); break;
                case 4: block(4, k0 / 2, k1 / 2, odd, ai, lda, panel, ci, ldc, width, add); break;
                case 3: block(3, k0 / 2, k1 / 2, odd, ai, lda, panel, ci, ldc, width, add); break;
                case 2: block(2, k0 / 2, k1 / 2, odd, ai, lda, panel, ci, ldc, width, add); break;
                default: block(1, k0 / 2, k1 / 2, odd, ai, lda, panel, ci, ldc, width, add); break;
                }
            }
        }
    }
}

// One product's operands and shape, for both kernels' calls.
typedef struct {
    int64_t m, n, k, ldb;
    int transpose_b, accumulate;
    const uint16_t *a, *b;
    uint32_t *packed;
    float *own, *onednn;
} operands;

static void on_plain(void *context) {
    const operands *p = context;
    pack_b(p->k, p->n, p->b, p->ldb, p->transpose_b, p->packed);
    product(p->m, p->n, p->k, p->a, p->k, p->packed, p->own, p->n, p->accumulate);
}

static void on_onednn(void *context) {
    const operands *p = context;
    if (nmt_onednn_matmul_bf16(p->m, p->n, p->k, p->a, p->k, 0, p->b, p->ldb, p->transpose_b, p->onednn, p->n, p->accumulate,
                               NULL)) {
        fprintf(stderr, "oneDNN failed\n");
        exit(1);
    }
}

int main(int argc, char **argv) {
    if (!__builtin_cpu_supports("avx512bf16")) { fprintf(stderr, "no AVX512-BF16 here\n"); return 1; }
    if (argc == 2 && !strcmp(argv[1], "peak")) { peak(); return 0; }
    if (argc != 5 || !strchr("fi", argv[1][0])) {
        fprintf(stderr, "usage: %s peak | %s f|i M N K\n", argv[0], argv[0]);
        return 2;
    }
    const char kind = argv[1][0];
    const int64_t m = atol(argv[2]), n = atol(argv[3]), k = atol(argv[4]);
    const int transpose_b = kind == 'f', accumulate = kind == 'i';
    const int64_t ldb = transpose_b ? k : n;
    uint16_t *a = bench_buffer((size_t)(m * k * 2), 0), *b = bench_buffer((size_t)(n * k * 2), 0);
    uint32_t *packed = bench_buffer((size_t)((k + 1) / 2 * ((n + 31) / 32 * 32) * 4), 0);
    float *own = bench_buffer((size_t)(m * n * 4), 0), *onednn = bench_buffer((size_t)(m * n * 4), 0);
    srand(3); // bf16 values in ±[0.5, 1): no zeros, no subnormals
    for (int64_t i = 0; i < m * k; i++) a[i] = (uint16_t)(0x3f00 + rand() % 255);
    for (int64_t i = 0; i < n * k; i++) b[i] = (uint16_t)(0xbf00 + rand() % 255);

    // Both once from zero, to compare their results.
    operands p = {m, n, k, ldb, transpose_b, 0, a, b, packed, own, onednn};
    on_plain(&p);
    on_onednn(&p);
    double difference = 0;
    for (int64_t i = 0; i < m * n; i++) difference = fmax(difference, fabs(own[i] - onednn[i]) / (fabs(onednn[i]) + 1));

    p.accumulate = accumulate;
    const bench_pairs t = bench_alternate(on_plain, on_onednn, &p);
    const double flops = 2.0 * m * n * k;
    printf("%c %ld x %ld x %ld: plain VDPBF16PS %.0f GFLOP/s, oneDNN %.0f; oneDNN time / plain time median %.2f (%.2f-%.2f); "
           "largest relative difference %.1e\n", kind, (long)m, (long)n, (long)k, flops / t.first / 1e9, flops / t.second / 1e9,
           t.ratio, t.ratio_low, t.ratio_high, difference);
    return 0;
}
