// Developer benchmark: the int8 decoding product of CInt8Kernels (nmt_int8_gemm, VNNI path)
// against Debian's oneDNN matmul primitive u8 × s8 → f32 at decoding shapes, one thread.
// scripts/compare-int8-engines.sh builds and runs it; docs/BENCHMARKS.md has the figures.
//
// Both get their best case: oneDNN a primitive made for the exact shape (JIT-compiled once,
// outside the timing) with the weights reordered once into the layout it asks for, and a
// per-column output scale (the weights' row scales; the per-row activation scale would be
// a further pass, not timed); ours the packed weight, with both scales and the bias fused
// into its store, as decoding calls it. Activations are quantized before the timing in both
// (the quantization is the same per-row pass for either engine). Two more oneDNN rows: the
// exact-shape primitive with int32 results and the epilogue as a pass of its own (what
// per-row activation scales need, since oneDNN 2.6 scales outputs per column only), and a
// primitive with m given at run time (one per weight matrix instead of one per row count).
// Median of 15 timed batches.
#define _GNU_SOURCE
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <dlfcn.h>
#include <oneapi/dnnl/dnnl.h>
#include "CInt8Kernels.h"

static double now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + 1e-9 * t.tv_nsec;
}

static int compare(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

#define CHECK(call) do { dnnl_status_t s_ = (call); if (s_ != dnnl_success) { \
    fprintf(stderr, "%s failed: status %d\n", #call, (int)s_); exit(1); } } while (0)

// Median seconds per call of `body` over 15 batches of `calls` calls.
#define MEDIAN(result, calls, body) do { double t_[15]; \
    for (int w_ = 0; w_ < calls; w_++) { body; } \
    for (int r_ = 0; r_ < 15; r_++) { double s_ = now(); for (int c_ = 0; c_ < calls; c_++) { body; } \
        t_[r_] = (now() - s_) / calls; } \
    qsort(t_, 15, sizeof t_[0], compare); result = t_[7]; } while (0)

// A copy of the plain (n, k) weights in the layout `chosen` that a primitive asked for.
static dnnl_memory_t reordered(dnnl_engine_t engine, dnnl_stream_t stream, dnnl_memory_t plain,
                               const dnnl_memory_desc_t *plain_md, const dnnl_memory_desc_t *chosen) {
    dnnl_memory_t out;
    dnnl_primitive_desc_t pd;
    dnnl_primitive_t reorder;
    CHECK(dnnl_memory_create(&out, chosen, engine, DNNL_MEMORY_ALLOCATE));
    CHECK(dnnl_reorder_primitive_desc_create(&pd, plain_md, engine, chosen, engine, NULL));
    CHECK(dnnl_primitive_create(&reorder, pd));
    dnnl_exec_arg_t args[2] = {{DNNL_ARG_FROM, plain}, {DNNL_ARG_TO, out}};
    CHECK(dnnl_primitive_execute(reorder, stream, 2, args));
    CHECK(dnnl_stream_wait(stream));
    dnnl_primitive_destroy(reorder);
    dnnl_primitive_desc_destroy(pd);
    return out;
}

// The epilogue nmt_int8_gemm fuses into its store, as a pass over int32 sums: the unsigned
// offset's correction, the row and column scales, the bias.
static void epilogue(int64_t m, int64_t n, const int32_t *acc, const int32_t *sums, const float *x_inverse,
                     const float *w_inverse, const float *bias, float *y) {
    for (int64_t r = 0; r < m; r++)
        for (int64_t j = 0; j < n; j++) y[r * n + j] = (float)(acc[r * n + j] - sums[j]) * x_inverse[r] * w_inverse[j] + bias[j];
}

int main(void) {
    void (*omp_set_threads)(int) = (void (*)(int))dlsym(RTLD_DEFAULT, "omp_set_num_threads");
    if (omp_set_threads) omp_set_threads(1);
    const int64_t shapes[][3] = {  // m, n, k: greedy (32 rows) and beam-5 (160 rows) products, d 256 and 512
        {32, 768, 256}, {32, 256, 1024}, {32, 8000, 256}, {160, 768, 256}, {160, 1024, 256}, {160, 8000, 256},
        {32, 1536, 512}, {32, 8000, 512}, {160, 512, 1024}, {160, 8000, 512}};
    dnnl_engine_t engine;
    dnnl_stream_t stream;
    CHECK(dnnl_engine_create(&engine, dnnl_cpu, 0));
    CHECK(dnnl_stream_create(&stream, engine, dnnl_stream_default_flags));
    printf("%-16s %12s %12s %12s %12s  %s\n", "m x n x k", "ours GOP/s", "oneDNN exact", "exact+pass", "runtime-m+pass",
           "oneDNN implementations (exact | run-time m)");
    for (size_t i = 0; i < sizeof shapes / sizeof shapes[0]; i++) {
        int64_t m = shapes[i][0], n = shapes[i][1], k = shapes[i][2];
        float *x = malloc(sizeof(float) * m * k), *y = malloc(sizeof(float) * m * n);
        int8_t *w = malloc(n * k);
        for (int64_t j = 0; j < m * k; j++) x[j] = (float)((j * 7919) % 2001 - 1000) / 1000.f;
        for (int64_t j = 0; j < n * k; j++) w[j] = (int8_t)((j * 104729) % 255 - 127);
        float *w_inverse = malloc(sizeof(float) * n), *bias = calloc(n, sizeof(float)), *x_inverse = malloc(sizeof(float) * m);
        for (int64_t j = 0; j < n; j++) w_inverse[j] = 1.f / 127.f;

        // Ours.
        int64_t kp = nmt_int8_padded_depth(k, 1);
        void *packed = aligned_alloc(64, (nmt_int8_packed_bytes(n, k, 1) + 63) / 64 * 64);
        int32_t *sums = malloc(sizeof(int32_t) * ((n + 15) / 16 * 16));
        nmt_int8_pack(w, n, k, 1, packed, sums);
        uint8_t *xq = aligned_alloc(64, (m * kp + 63) / 64 * 64);
        nmt_int8_quantize_rows(x, k, m, k, 1, xq, x_inverse);
        int64_t panels = (n + 15) / 16;
        int calls = (int)(2e8 / (double)(m * n * k)) + 1;
        double ours;
        MEDIAN(ours, calls, nmt_int8_gemm(m, n, k, 1, xq, x_inverse, packed, sums, w_inverse, bias, 0, 0, panels, y, n));

        // oneDNN: src u8 (m, k), weights s8 (k, n) in the layout it chooses, dst f32 (m, n).
        dnnl_memory_desc_t src_md, wei_md, wei_any, dst_md;
        dnnl_dims_t src_dims = {m, k}, wei_dims = {k, n}, dst_dims = {m, n};
        CHECK(dnnl_memory_desc_init_by_tag(&src_md, 2, src_dims, dnnl_u8, dnnl_ab));
        CHECK(dnnl_memory_desc_init_by_tag(&wei_md, 2, wei_dims, dnnl_s8, dnnl_ba));  // w is (n, k) row-major
        CHECK(dnnl_memory_desc_init_by_tag(&wei_any, 2, wei_dims, dnnl_s8, dnnl_format_tag_any));
        CHECK(dnnl_memory_desc_init_by_tag(&dst_md, 2, dst_dims, dnnl_f32, dnnl_ab));
        dnnl_matmul_desc_t desc;
        CHECK(dnnl_matmul_desc_init(&desc, &src_md, &wei_any, NULL, &dst_md));
        dnnl_primitive_attr_t attr;
        CHECK(dnnl_primitive_attr_create(&attr));
        float *scales = malloc(sizeof(float) * n);
        for (int64_t j = 0; j < n; j++) scales[j] = w_inverse[j] * x_inverse[0];
        CHECK(dnnl_primitive_attr_set_output_scales(attr, n, 1 << 1, scales));
        dnnl_primitive_desc_t pd;
        CHECK(dnnl_primitive_desc_create(&pd, &desc, attr, engine, NULL));
        const char *impl = NULL;
        dnnl_primitive_desc_query(pd, dnnl_query_impl_info_str, 0, &impl);
        const dnnl_memory_desc_t *chosen = dnnl_primitive_desc_query_md(pd, dnnl_query_weights_md, 0);
        dnnl_primitive_t matmul;
        CHECK(dnnl_primitive_create(&matmul, pd));
        dnnl_memory_t src_mem, wei_plain, dst_mem;
        CHECK(dnnl_memory_create(&src_mem, &src_md, engine, xq));
        CHECK(dnnl_memory_create(&wei_plain, &wei_md, engine, w));
        CHECK(dnnl_memory_create(&dst_mem, &dst_md, engine, y));
        dnnl_memory_t wei_mem = reordered(engine, stream, wei_plain, &wei_md, chosen);
        dnnl_exec_arg_t args[3] = {{DNNL_ARG_SRC, src_mem}, {DNNL_ARG_WEIGHTS, wei_mem}, {DNNL_ARG_DST, dst_mem}};
        double onednn;
        MEDIAN(onednn, calls, { dnnl_primitive_execute(matmul, stream, 3, args); dnnl_stream_wait(stream); });

        // oneDNN with M given at run time and int32 results, then the epilogue as a pass of
        // its own (offset correction, both scales, bias): one primitive per weight matrix.
        dnnl_memory_desc_t src_rt, dst_rt, dst32_md;
        dnnl_dims_t src_rt_dims = {DNNL_RUNTIME_DIM_VAL, k}, dst_rt_dims = {DNNL_RUNTIME_DIM_VAL, n};
        CHECK(dnnl_memory_desc_init_by_tag(&src_rt, 2, src_rt_dims, dnnl_u8, dnnl_ab));
        CHECK(dnnl_memory_desc_init_by_tag(&dst_rt, 2, dst_rt_dims, dnnl_s32, dnnl_ab));
        CHECK(dnnl_memory_desc_init_by_tag(&dst32_md, 2, dst_dims, dnnl_s32, dnnl_ab));
        dnnl_matmul_desc_t desc_rt;
        CHECK(dnnl_matmul_desc_init(&desc_rt, &src_rt, &wei_any, NULL, &dst_rt));
        dnnl_primitive_desc_t pd_rt;
        CHECK(dnnl_primitive_desc_create(&pd_rt, &desc_rt, NULL, engine, NULL));
        const char *impl_rt = NULL;
        dnnl_primitive_desc_query(pd_rt, dnnl_query_impl_info_str, 0, &impl_rt);
        dnnl_primitive_t matmul_rt;
        CHECK(dnnl_primitive_create(&matmul_rt, pd_rt));
        // Its own weight layout (gemm:jit's differs from the exact-shape kernels').
        dnnl_memory_t wei_rt = reordered(engine, stream, wei_plain, &wei_md,
                                         dnnl_primitive_desc_query_md(pd_rt, dnnl_query_weights_md, 0));
        int32_t *acc = malloc(sizeof(int32_t) * m * n);
        dnnl_memory_t src_actual, dst_actual;
        CHECK(dnnl_memory_create(&src_actual, &src_md, engine, xq));
        CHECK(dnnl_memory_create(&dst_actual, &dst32_md, engine, acc));
        dnnl_exec_arg_t args_rt[3] = {{DNNL_ARG_SRC, src_actual}, {DNNL_ARG_WEIGHTS, wei_rt}, {DNNL_ARG_DST, dst_actual}};
        double runtime_m;
        MEDIAN(runtime_m, calls, {
            dnnl_primitive_execute(matmul_rt, stream, 3, args_rt); dnnl_stream_wait(stream);
            epilogue(m, n, acc, sums, x_inverse, w_inverse, bias, y);
        });
        // The same with an exact-shape primitive and int32 results.
        dnnl_matmul_desc_t desc32;
        CHECK(dnnl_matmul_desc_init(&desc32, &src_md, &wei_any, NULL, &dst32_md));
        dnnl_primitive_desc_t pd32;
        CHECK(dnnl_primitive_desc_create(&pd32, &desc32, NULL, engine, NULL));
        if (!dnnl_memory_desc_equal(dnnl_primitive_desc_query_md(pd32, dnnl_query_weights_md, 0), chosen)) {
            fprintf(stderr, "the int32-output primitive wants another weight layout\n");
            return 1;
        }
        dnnl_primitive_t matmul32;
        CHECK(dnnl_primitive_create(&matmul32, pd32));
        dnnl_exec_arg_t args32[3] = {{DNNL_ARG_SRC, src_actual}, {DNNL_ARG_WEIGHTS, wei_mem}, {DNNL_ARG_DST, dst_actual}};
        double exact32;
        MEDIAN(exact32, calls, {
            dnnl_primitive_execute(matmul32, stream, 3, args32); dnnl_stream_wait(stream);
            epilogue(m, n, acc, sums, x_inverse, w_inverse, bias, y);
        });

        double ops = 2.0 * m * n * k;
        char name[32];
        snprintf(name, sizeof name, "%ldx%ldx%ld", (long)m, (long)n, (long)k);
        printf("%-16s %12.0f %12.0f %12.0f %12.0f  %s | %s\n", name, ops / ours / 1e9, ops / onednn / 1e9,
               ops / exact32 / 1e9, ops / runtime_m / 1e9, impl ? impl : "?", impl_rt ? impl_rt : "?");
        dnnl_primitive_destroy(matmul);
        dnnl_primitive_destroy(matmul_rt);
        dnnl_primitive_destroy(matmul32);
        dnnl_primitive_desc_destroy(pd);
        dnnl_primitive_desc_destroy(pd_rt);
        dnnl_primitive_desc_destroy(pd32);
        dnnl_primitive_attr_destroy(attr);
        dnnl_memory_destroy(src_mem); dnnl_memory_destroy(wei_plain); dnnl_memory_destroy(wei_mem); dnnl_memory_destroy(dst_mem);
        dnnl_memory_destroy(wei_rt); dnnl_memory_destroy(src_actual); dnnl_memory_destroy(dst_actual);
        free(acc);
        free(x); free(y); free(w); free(w_inverse); free(bias); free(x_inverse); free(packed); free(sums); free(xq); free(scales);
    }
    return 0;
}
