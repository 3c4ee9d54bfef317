// oneDNN 2.6's bf16 matmul at training shapes, one thread: the primitive with every
// dimension given at run time (what nmt used first) against exact-shape primitives over
// whole blocks of R rows with the run-time primitive for the remaining rows (what
// nmt_onednn_matmul_bf16 does now). Best of 12 alternating calls each.
//
//   cc -O2 Benchmarks/bf16-engines/bf16_blocks.c -ldnnl -o bf16_blocks
//   OMP_NUM_THREADS=1 ./bf16_blocks M N K TRANSPOSE_B R [LDC]
//
// op(A) is (M, K) row-major; B is (K, N), or stored (N, K) when TRANSPOSE_B; C is (M, N)
// with row stride LDC (default N: a block of a wider C is LDC > N). Prints GFLOP/s of
// both and their ratio; ONEDNN_VERBOSE=1 names the kernels chosen. With LARGE_PAGES=1 in
// the environment the operands are aligned to 2 MiB and advised for transparent huge pages,
// as nmt's LargePageMemory allocates them.
#include "bench.h"

#include <oneapi/dnnl/dnnl.h>
#include <stdint.h>

static dnnl_engine_t engine;
static dnnl_stream_t stream;
static int64_t ldb, ldc;

static void check(dnnl_status_t s, const char *what) {
    if (s != dnnl_success) { fprintf(stderr, "%s failed: status %d\n", what, (int)s); exit(1); }
}

// The memory descriptors of op(A)·op(B) = C; every dimension and stride at run time when
// `runtime`.
static void describe(dnnl_memory_desc_t *a, dnnl_memory_desc_t *b, dnnl_memory_desc_t *c,
                     int64_t m, int64_t n, int64_t k, int transpose_b, int runtime) {
    const int64_t R = DNNL_RUNTIME_DIM_VAL;
    dnnl_dims_t da = {runtime ? R : m, runtime ? R : k}, db = {runtime ? R : k, runtime ? R : n},
                dc = {runtime ? R : m, runtime ? R : n};
    dnnl_dims_t sa = {runtime ? R : k, 1}, sc = {runtime ? R : ldc, 1};
    dnnl_dims_t sb = {transpose_b ? 1 : (runtime ? R : ldb), transpose_b ? (runtime ? R : k) : 1};
    check(dnnl_memory_desc_init_by_strides(a, 2, da, dnnl_bf16, sa), "A descriptor");
    check(dnnl_memory_desc_init_by_strides(b, 2, db, dnnl_bf16, sb), "B descriptor");
    check(dnnl_memory_desc_init_by_strides(c, 2, dc, dnnl_f32, sc), "C descriptor");
}

static dnnl_primitive_t make(int64_t m, int64_t n, int64_t k, int transpose_b, int runtime) {
    dnnl_memory_desc_t a, b, c;
    describe(&a, &b, &c, m, n, k, transpose_b, runtime);
    dnnl_matmul_desc_t desc;
    check(dnnl_matmul_desc_init(&desc, &a, &b, NULL, &c), "matmul descriptor");
    dnnl_primitive_desc_t pd;
    check(dnnl_primitive_desc_create(&pd, &desc, NULL, engine, NULL), "primitive descriptor");
    dnnl_primitive_t p;
    check(dnnl_primitive_create(&p, pd), "primitive");
    dnnl_primitive_desc_destroy(pd);
    return p;
}

static void run(dnnl_primitive_t p, int64_t m, int64_t n, int64_t k, int transpose_b,
                const uint16_t *a, const uint16_t *b, float *c) {
    dnnl_memory_desc_t da, db, dc;
    describe(&da, &db, &dc, m, n, k, transpose_b, 0);
    dnnl_memory_t ma, mb, mc;
    check(dnnl_memory_create(&ma, &da, engine, (void *)a), "A memory");
    check(dnnl_memory_create(&mb, &db, engine, (void *)b), "B memory");
    check(dnnl_memory_create(&mc, &dc, engine, c), "C memory");
    dnnl_exec_arg_t args[3] = {{DNNL_ARG_SRC, ma}, {DNNL_ARG_WEIGHTS, mb}, {DNNL_ARG_DST, mc}};
    check(dnnl_primitive_execute(p, stream, 3, args), "execute");
    check(dnnl_stream_wait(stream), "wait");
    dnnl_memory_destroy(ma);
    dnnl_memory_destroy(mb);
    dnnl_memory_destroy(mc);
}

int main(int argc, char **argv) {
    if (argc < 6) { fprintf(stderr, "usage: %s M N K TRANSPOSE_B R [LDC]\n", argv[0]); return 2; }
    int64_t m = atoll(argv[1]), n = atoll(argv[2]), k = atoll(argv[3]), rows = atoll(argv[5]);
    int transpose_b = atoi(argv[4]);
    ldb = n;
    ldc = argc > 6 ? atoll(argv[6]) : n;
    check(dnnl_engine_create(&engine, dnnl_cpu, 0), "engine");
    check(dnnl_stream_create(&stream, engine, dnnl_stream_default_flags), "stream");
    const char *large_pages = getenv("LARGE_PAGES");
    const int large = large_pages && strcmp(large_pages, "1") == 0;
    uint16_t *a = bench_buffer((size_t)(m * k * 2), large), *b = bench_buffer((size_t)(k * n * 2), large);
    float *c = bench_buffer((size_t)(m * ldc * 4), large);
    for (int64_t i = 0; i < m * k; i++) a[i] = 0x3f80;   // 1.0
    for (int64_t i = 0; i < k * n; i++) b[i] = 0x3f00;   // 0.5
    dnnl_primitive_t runtime = make(0, 0, 0, transpose_b, 1), exact = make(rows, n, k, transpose_b, 0);
    double best_runtime = 1e9, best_blocks = 1e9;
    for (int r = 0; r < 12; r++) {
        double t = bench_now();
        run(runtime, m, n, k, transpose_b, a, b, c);
        t = bench_now() - t;
        if (t < best_runtime) best_runtime = t;
        t = bench_now();
        int64_t done = 0;
        for (; done + rows <= m; done += rows) run(exact, rows, n, k, transpose_b, a + done * k, b, c + done * ldc);
        if (done < m) run(runtime, m - done, n, k, transpose_b, a + done * k, b, c + done * ldc);
        t = bench_now() - t;
        if (t < best_blocks) best_blocks = t;
    }
    double flop = 2.0 * m * n * k;
    printf("%ldx%ldx%ld transpose_b=%d ldc=%ld: run-time %.0f GFLOP/s, exact %ld-row blocks %.0f GFLOP/s (%.2fx)\n",
           (long)m, (long)n, (long)k, transpose_b, (long)ldc, flop / best_runtime / 1e9, (long)rows,
           flop / best_blocks / 1e9, best_runtime / best_blocks);
    return 0;
}
