// bfloat16 kernels that Swift cannot express: rounding with VCVTNEPS2BF16 and small
// products with VDPBF16PS (AVX512-BF16). Call them only where CPUID reports avx512_bf16
// (Tensor.CPUFeatures.hasAVX512BF16); they are compiled for that target alone.
#ifndef NMT_CBF16Kernels_H
#define NMT_CBF16Kernels_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/// dst[r·dst_stride + c] = bf16(src[r·src_stride + c]) for r < rows, c < cols.
///
/// Rounding is the instruction's: to nearest, ties to even; a subnormal input becomes a
/// zero of its sign; NaN stays NaN (quiet).
void nmt_bf16_round_rows(const float *src, int64_t src_stride, int64_t rows, int64_t cols,
                         uint16_t *dst, int64_t dst_stride);

/// The same rounding in portable scalar code, for tests and for machines without the
/// instruction (it never multiplies).
uint16_t nmt_bf16_round_scalar(float x);

/// C = bf16(op(A))·bf16(op(B)) + beta·C with fp32 accumulation, on the calling thread; for
/// the small per-head attention products. Operands are fp32 and rounded here.
///
/// op(A) is (m, k): A stored (m, k) with row stride lda, or (k, m) when transpose_a. op(B)
/// is (k, n): B stored (k, n) with row stride ldb, or (n, k) when transpose_b. C is (m, n)
/// with row stride ldc; beta is 0 (C is overwritten, never read) or 1.
void nmt_bf16_gemm_small(int64_t m, int64_t n, int64_t k,
                         const float *a, int64_t lda, int transpose_a,
                         const float *b, int64_t ldb, int transpose_b,
                         float *c, int64_t ldc, float beta);

#ifdef __cplusplus
}
#endif

#endif
