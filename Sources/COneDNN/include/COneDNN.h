// Matrix products in bfloat16 through Debian's oneDNN (libdnnl-dev), behind plain C so that
// Swift needs no knowledge of oneDNN's descriptors. Tensor.MatMul is the only caller.
#ifndef NMT_COneDNN_H
#define NMT_COneDNN_H

#include <stdint.h>

/// The exact-shape path (see nmt_onednn_matmul_bf16): rows per block, rows per tail block
/// (what remains after whole blocks; the threads' shares of a product are multiples of it,
/// so that they are equal to within one tail block), and the largest k it takes (beyond
/// it, as for the 8,000-wide output projection's input gradient, the run-time primitive is
/// faster).
#define NMT_ONEDNN_EXACT_ROWS 256
#define NMT_ONEDNN_EXACT_TAIL_ROWS 64
#define NMT_ONEDNN_EXACT_MAX_K 1024

#ifdef __cplusplus
extern "C" {
#endif

/// C (m, n) = op(A)·op(B) (+ C when `accumulate`), with A and B in bfloat16 (raw uint16_t
/// bits), accumulation and C in fp32.
///
/// op(A) is (m, k): A is stored row-major (m, k) with row stride `lda`, or (k, m) when
/// `transpose_a`. op(B) is (k, n): B stored (k, n) with row stride `ldb`, or (n, k) when
/// `transpose_b`. C is (m, n) with row stride `ldc`.
///
/// Runs on the calling thread only (oneDNN's OpenMP team is held to one thread here), so
/// the caller's worker pool decides the parallelism. Each thread keeps its own stream and
/// primitives. Where A is not transposed, k ≤ NMT_ONEDNN_EXACT_MAX_K and ldc = n, whole blocks of
/// NMT_ONEDNN_EXACT_ROWS rows, then whole tail blocks of NMT_ONEDNN_EXACT_TAIL_ROWS rows, run
/// in primitives compiled for exactly that block's shape (cached per thread by shape and
/// strides): only those reach AMX's tile kernels, 1.4–1.7× the run-time one at k = 256 and
/// about even at k = 1,024 (docs/BENCHMARKS.md). The remaining rows, and
/// every other product, run in a primitive that takes every dimension at run time, one per
/// (transpose_a, transpose_b, accumulate), compiled once per thread. Which rows fall in a
/// block depends on m only, so results repeat exactly for a given m.
///
/// With `bias` (n values, or NULL), C = op(A)·op(B) + bias on every row (the exact-shape
/// primitive adds it as it writes C).
///
/// Returns 0, or oneDNN's status code (dnnl_status_t) when it refuses or fails.
int nmt_onednn_matmul_bf16(int64_t m, int64_t n, int64_t k,
                           const uint16_t *a, int64_t lda, int transpose_a,
                           const uint16_t *b, int64_t ldb, int transpose_b,
                           float *c, int64_t ldc, int accumulate, const float *bias);

/// oneDNN's implementation name for the bf16 product primitive on this CPU (e.g.
/// "gemm:jit"), or an error text; for reports. The string lives as long as the process.
const char *nmt_onednn_bf16_implementation(void);

/// oneDNN's version, e.g. "2.6.3".
const char *nmt_onednn_version(void);

#ifdef __cplusplus
}
#endif

#endif
