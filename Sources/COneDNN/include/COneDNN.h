// Matrix products in bfloat16 through Debian's oneDNN (libdnnl-dev), behind plain C so that
// Swift needs no knowledge of oneDNN's descriptors. Tensor.MatMul is the only caller.
#ifndef NMT_COneDNN_H
#define NMT_COneDNN_H

#include <stdint.h>

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
/// primitives; primitives take every dimension at run time, so one primitive per
/// (transpose_a, transpose_b, accumulate) serves every shape without JIT compiling anew.
///
/// Returns 0, or oneDNN's status code (dnnl_status_t) when it refuses or fails.
int nmt_onednn_matmul_bf16(int64_t m, int64_t n, int64_t k,
                           const uint16_t *a, int64_t lda, int transpose_a,
                           const uint16_t *b, int64_t ldb, int transpose_b,
                           float *c, int64_t ldc, int accumulate);

/// oneDNN's implementation name for the bf16 product primitive on this CPU (e.g.
/// "gemm:jit"), or an error text; for reports. The string lives as long as the process.
const char *nmt_onednn_bf16_implementation(void);

/// oneDNN's version, e.g. "2.6.3".
const char *nmt_onednn_version(void);

#ifdef __cplusplus
}
#endif

#endif
