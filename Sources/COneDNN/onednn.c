#include "COneDNN.h"

#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <oneapi/dnnl/dnnl.h>

// oneDNN is built with OpenMP on Debian. Its team size is a per-thread setting read when a
// primitive runs; it is set to 1 on every thread that calls in, so that oneDNN never adds
// threads beside the project's pool. omp_set_num_threads comes from the libgomp that
// libdnnl already loads, found at run time so that no OpenMP headers are needed to build.
typedef void (*set_threads_fn)(int);
static set_threads_fn omp_set_threads;
static dnnl_engine_t engine;
static dnnl_status_t engine_status = dnnl_success;
static pthread_once_t engine_once = PTHREAD_ONCE_INIT;

static void make_engine(void) {
    omp_set_threads = (set_threads_fn)dlsym(RTLD_DEFAULT, "omp_set_num_threads");
    engine_status = dnnl_engine_create(&engine, dnnl_cpu, 0);
}

// Per thread: a stream (streams are not thread-safe) and the primitives, which keep a
// scratchpad of their own and so must not run on two threads at once.
static __thread dnnl_stream_t stream;
static __thread dnnl_primitive_t primitives[8];
static __thread int team_size_set;

static dnnl_status_t describe(dnnl_memory_desc_t *md, int64_t rows, int64_t cols, int transposed,
                              dnnl_data_type_t type, int runtime) {
    dnnl_dims_t dims = {runtime ? DNNL_RUNTIME_DIM_VAL : rows, runtime ? DNNL_RUNTIME_DIM_VAL : cols};
    // Logical (rows, cols); stored (rows, cols) or, transposed, (cols, rows).
    dnnl_dims_t strides = {transposed ? 1 : DNNL_RUNTIME_DIM_VAL, transposed ? DNNL_RUNTIME_DIM_VAL : 1};
    return dnnl_memory_desc_init_by_strides(md, 2, dims, type, strides);
}

static dnnl_status_t describe_actual(dnnl_memory_desc_t *md, int64_t rows, int64_t cols, int64_t ld, int transposed,
                                     dnnl_data_type_t type) {
    dnnl_dims_t dims = {rows, cols};
    dnnl_dims_t strides = {transposed ? 1 : ld, transposed ? ld : 1};
    return dnnl_memory_desc_init_by_strides(md, 2, dims, type, strides);
}

// op(A) (m, k), op(B) (k, n) and C (m, n) with their actual shapes and row strides.
static dnnl_status_t describe_product(dnnl_memory_desc_t d[3], int64_t m, int64_t n, int64_t k, int64_t lda, int transpose_a,
                                      int64_t ldb, int transpose_b, int64_t ldc) {
    dnnl_status_t s;
    if ((s = describe_actual(&d[0], m, k, lda, transpose_a, dnnl_bf16)) != dnnl_success) return s;
    if ((s = describe_actual(&d[1], k, n, ldb, transpose_b, dnnl_bf16)) != dnnl_success) return s;
    return describe_actual(&d[2], m, n, ldc, 0, dnnl_f32);
}

// A primitive for the layout (transposes, accumulate): with every dimension and stride given
// at run time when `exact` is NULL, else for exactly the shape and strides `exact` holds.
typedef struct {
    int64_t m, n, k, lda, ldb, ldc;
} exact_shape;

static dnnl_status_t make_primitive(int transpose_a, int transpose_b, int accumulate, const exact_shape *exact, int bias,
                                    dnnl_primitive_t *out, char *implementation, size_t size) {
    dnnl_memory_desc_t d[3], bias_desc;
    dnnl_status_t s;
    if (exact) {
        if ((s = describe_product(d, exact->m, exact->n, exact->k, exact->lda, transpose_a, exact->ldb, transpose_b,
                                  exact->ldc)) != dnnl_success) return s;
        if (bias && (s = describe_actual(&bias_desc, 1, exact->n, exact->n, 0, dnnl_f32)) != dnnl_success) return s;
    } else {
        if ((s = describe(&d[0], 0, 0, transpose_a, dnnl_bf16, 1)) != dnnl_success) return s;
        if ((s = describe(&d[1], 0, 0, transpose_b, dnnl_bf16, 1)) != dnnl_success) return s;
        if ((s = describe(&d[2], 0, 0, 0, dnnl_f32, 1)) != dnnl_success) return s;
    }
    dnnl_matmul_desc_t desc;
    if ((s = dnnl_matmul_desc_init(&desc, &d[0], &d[1], exact && bias ? &bias_desc : NULL, &d[2])) != dnnl_success) return s;
    dnnl_primitive_attr_t attr = NULL;
    dnnl_post_ops_t post_ops = NULL;
    if (accumulate) {
        // C += op(A)·op(B): oneDNN's "sum" post-op adds the product to what C holds.
        if ((s = dnnl_primitive_attr_create(&attr)) != dnnl_success) return s;
        if ((s = dnnl_post_ops_create(&post_ops)) != dnnl_success) return s;
        if ((s = dnnl_post_ops_append_sum(post_ops, 1.0f)) != dnnl_success) return s;
        if ((s = dnnl_primitive_attr_set_post_ops(attr, post_ops)) != dnnl_success) return s;
    }
    dnnl_primitive_desc_t pd;
    s = dnnl_primitive_desc_create(&pd, &desc, attr, engine, NULL);
    if (post_ops) dnnl_post_ops_destroy(post_ops);
    if (attr) dnnl_primitive_attr_destroy(attr);
    if (s != dnnl_success) return s;
    if (implementation) {
        // Copied: the name lives only as long as the descriptor.
        const char *name = NULL;
        dnnl_primitive_desc_query(pd, dnnl_query_impl_info_str, 0, &name);
        snprintf(implementation, size, "%s", name ? name : "unknown");
    }
    s = dnnl_primitive_create(out, pd);
    dnnl_primitive_desc_destroy(pd);
    return s;
}

// Exact-shape primitives of this thread, most recently made last; at most EXACT_CAPACITY,
// the oldest destroyed to make room. A training step needs about 15 (one per layer shape
// and layout, each in a 256- and a 64-row block: about 30), so the cache holds them all
// and each compiles once per run.
#define EXACT_CAPACITY 48
typedef struct {
    exact_shape shape;
    int transpose_b, accumulate, bias;
    dnnl_primitive_t primitive;
    // Memory objects of the primitive's operands (src, weights, dst, bias), made once:
    // each call only points them at its data (creating them per call cost more than the
    // small blocks' products at some shapes).
    dnnl_memory_t memory[4];
} exact_entry;
static __thread exact_entry exact_primitives[EXACT_CAPACITY];
static __thread int exact_count, exact_next;

static void destroy_entry(exact_entry *e) {
    for (int i = 0; i < 4; i++) if (e->memory[i]) dnnl_memory_destroy(e->memory[i]);
    if (e->primitive) dnnl_primitive_destroy(e->primitive);
    memset(e, 0, sizeof *e);
}

static dnnl_status_t make_entry(exact_entry *e, const exact_shape *shape, int transpose_b, int accumulate, int bias) {
    *e = (exact_entry){.shape = *shape, .transpose_b = transpose_b, .accumulate = accumulate, .bias = bias};
    dnnl_status_t s = make_primitive(0, transpose_b, accumulate, shape, bias, &e->primitive, NULL, 0);
    dnnl_memory_desc_t d[4];
    if (s == dnnl_success) s = describe_product(d, shape->m, shape->n, shape->k, shape->lda, 0, shape->ldb, transpose_b, shape->ldc);
    if (s == dnnl_success && bias) s = describe_actual(&d[3], 1, shape->n, shape->n, 0, dnnl_f32);
    for (int i = 0; i < (bias ? 4 : 3) && s == dnnl_success; i++) s = dnnl_memory_create(&e->memory[i], &d[i], engine, DNNL_MEMORY_NONE);
    if (s != dnnl_success) destroy_entry(e);
    return s;
}

static dnnl_status_t exact_entry_for(const exact_shape *shape, int transpose_b, int accumulate, int bias, exact_entry **out) {
    for (int i = 0; i < exact_count; i++) {
        exact_entry *e = &exact_primitives[i];
        if (e->transpose_b == transpose_b && e->accumulate == accumulate && e->bias == bias && e->shape.m == shape->m && e->shape.n == shape->n
            && e->shape.k == shape->k && e->shape.lda == shape->lda && e->shape.ldb == shape->ldb && e->shape.ldc == shape->ldc) {
            *out = e;
            return dnnl_success;
        }
    }
    int slot, appended = exact_count < EXACT_CAPACITY;
    if (appended) {
        slot = exact_count++;
    } else {
        slot = exact_next;
        destroy_entry(&exact_primitives[slot]);
        exact_next = (exact_next + 1) % EXACT_CAPACITY;
    }
    dnnl_status_t s = make_entry(&exact_primitives[slot], shape, transpose_b, accumulate, bias);
    if (s != dnnl_success) {
        // Leave no half-made entry in the table.
        if (appended) exact_count--;
        return s;
    }
    *out = &exact_primitives[slot];
    return dnnl_success;
}

static dnnl_status_t execute_exact(exact_entry *e, const uint16_t *a, const uint16_t *b, float *c, const float *bias) {
    dnnl_status_t s;
    if ((s = dnnl_memory_set_data_handle(e->memory[0], (void *)a)) != dnnl_success) return s;
    if ((s = dnnl_memory_set_data_handle(e->memory[1], (void *)b)) != dnnl_success) return s;
    if ((s = dnnl_memory_set_data_handle(e->memory[2], c)) != dnnl_success) return s;
    if (e->bias && (s = dnnl_memory_set_data_handle(e->memory[3], (void *)bias)) != dnnl_success) return s;
    dnnl_exec_arg_t args[4] = {{DNNL_ARG_SRC, e->memory[0]}, {DNNL_ARG_WEIGHTS, e->memory[1]},
                               {DNNL_ARG_DST, e->memory[2]}, {DNNL_ARG_BIAS, e->memory[3]}};
    if ((s = dnnl_primitive_execute(e->primitive, stream, e->bias ? 4 : 3, args)) != dnnl_success) return s;
    return dnnl_stream_wait(stream);
}

// One call of the run-time primitive: the shapes and strides are described per call.
static dnnl_status_t execute(dnnl_primitive_t p, int64_t m, int64_t n, int64_t k,
                             const uint16_t *a, int64_t lda, int transpose_a,
                             const uint16_t *b, int64_t ldb, int transpose_b, float *c, int64_t ldc) {
    dnnl_status_t s;
    dnnl_memory_desc_t d[3];
    if ((s = describe_product(d, m, n, k, lda, transpose_a, ldb, transpose_b, ldc)) != dnnl_success) return s;
    dnnl_memory_t ma = NULL, mb = NULL, mc = NULL;
    if ((s = dnnl_memory_create(&ma, &d[0], engine, (void *)a)) == dnnl_success
        && (s = dnnl_memory_create(&mb, &d[1], engine, (void *)b)) == dnnl_success
        && (s = dnnl_memory_create(&mc, &d[2], engine, c)) == dnnl_success) {
        dnnl_exec_arg_t args[3] = {{DNNL_ARG_SRC, ma}, {DNNL_ARG_WEIGHTS, mb}, {DNNL_ARG_DST, mc}};
        s = dnnl_primitive_execute(p, stream, 3, args);
        if (s == dnnl_success) s = dnnl_stream_wait(stream);
    }
    if (ma) dnnl_memory_destroy(ma);
    if (mb) dnnl_memory_destroy(mb);
    if (mc) dnnl_memory_destroy(mc);
    return s;
}

int nmt_onednn_matmul_bf16(int64_t m, int64_t n, int64_t k,
                           const uint16_t *a, int64_t lda, int transpose_a,
                           const uint16_t *b, int64_t ldb, int transpose_b,
                           float *c, int64_t ldc, int accumulate, const float *bias) {
    pthread_once(&engine_once, make_engine);
    if (engine_status != dnnl_success) return engine_status;
    if (!team_size_set) {
        if (omp_set_threads) omp_set_threads(1);
        team_size_set = 1;
    }
    dnnl_status_t s;
    if (!stream && (s = dnnl_stream_create(&stream, engine, dnnl_stream_default_flags)) != dnnl_success) return s;
    int64_t done = 0;
    // C's rows must be contiguous (ldc = n): for a column block of a wider C, oneDNN 2.6
    // declines the AMX kernel and compiles gemm:jit for the shape, no faster than run-time.
    if (!transpose_a && k <= NMT_ONEDNN_EXACT_MAX_K && ldc == n) {
        // Whole blocks of NMT_ONEDNN_EXACT_ROWS rows, then of NMT_ONEDNN_EXACT_TAIL_ROWS, each
        // size in one exact-shape primitive, which reaches AMX; the remaining rows below in
        // the run-time one.
        static const int64_t block_rows[2] = {NMT_ONEDNN_EXACT_ROWS, NMT_ONEDNN_EXACT_TAIL_ROWS};
        for (int size = 0; size < 2; size++) {
            exact_shape shape = {block_rows[size], n, k, lda, ldb, ldc};
            for (; done + block_rows[size] <= m; done += block_rows[size]) {
                exact_entry *e;
                if ((s = exact_entry_for(&shape, transpose_b, accumulate, bias != NULL, &e)) != dnnl_success) return s;
                if ((s = execute_exact(e, a + done * lda, b, c + done * ldc, bias)) != dnnl_success) return s;
            }
        }
        if (done == m) return dnnl_success;
    }
    int slot = (transpose_a ? 4 : 0) | (transpose_b ? 2 : 0) | (accumulate ? 1 : 0);
    if (!primitives[slot] && (s = make_primitive(transpose_a, transpose_b, accumulate, NULL, 0, &primitives[slot], NULL, 0)) != dnnl_success)
        return s;
    s = execute(primitives[slot], m - done, n, k, a + done * lda, lda, transpose_a, b, ldb, transpose_b,
                c + done * ldc, ldc);
    // The run-time primitive takes no bias (its length would be one more run-time
    // dimension): added here, after the product, as the fused one adds it.
    if (s == dnnl_success && bias)
        for (int64_t i = done; i < m; i++)
            for (int64_t j = 0; j < n; j++) c[i * ldc + j] += bias[j];
    return s;
}

const char *nmt_onednn_bf16_implementation(void) {
    static char text[192];
    pthread_once(&engine_once, make_engine);
    if (engine_status != dnnl_success) return "oneDNN engine unavailable";
    // The layer products' two kinds, at the small preset's FFN shape.
    exact_shape shape = {NMT_ONEDNN_EXACT_ROWS, 1024, 256, 256, 256, 1024};
    dnnl_primitive_t runtime = NULL, exact = NULL;
    char runtime_name[80], exact_name[80];
    dnnl_status_t s = make_primitive(0, 1, 0, NULL, 0, &runtime, runtime_name, sizeof runtime_name);
    if (s != dnnl_success) {
        snprintf(text, sizeof text, "no bf16 matmul (oneDNN status %d)", (int)s);
        return text;
    }
    s = make_primitive(0, 1, 0, &shape, 0, &exact, exact_name, sizeof exact_name);
    if (s == dnnl_success)
        snprintf(text, sizeof text, "%s in %d- and %d-row blocks, %s otherwise", exact_name, NMT_ONEDNN_EXACT_ROWS,
                 NMT_ONEDNN_EXACT_TAIL_ROWS, runtime_name);
    else
        snprintf(text, sizeof text, "%s", runtime_name);
    if (exact) dnnl_primitive_destroy(exact);
    dnnl_primitive_destroy(runtime);
    return text;
}

const char *nmt_onednn_version(void) {
    static char text[32];
    const dnnl_version_t *v = dnnl_version();
    snprintf(text, sizeof text, "%d.%d.%d", v->major, v->minor, v->patch);
    return text;
}
