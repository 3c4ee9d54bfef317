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

/// Columns [first_col, end_col) of src (rows × cols, row stride src_stride) rounded into dst
/// as nmt_bf16_round_rows rounds them, and their sums over the rows added to sums[c]: each
/// column's rows added in order from zero, then the total added to sums[c] (a bias
/// gradient, as Elementwise.biasBackward sums it). One pass over src where rounding and
/// summing took two. Threads may take disjoint column ranges at once.
void nmt_bf16_round_rows_summing_columns(const float *src, int64_t src_stride, int64_t rows,
                                         int64_t first_col, int64_t end_col,
                                         uint16_t *dst, int64_t dst_stride, float *sums);

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


// MARK: AMX tiles (amx.c): the layer products of the bf16 training step.

/// 1 when this process may multiply on AMX tiles: CPUID reports amx_tile and amx_bf16, the
/// OS saves the tile state, and Linux granted this process the tile data (the first call
/// asks, with arch_prctl(ARCH_REQ_XCOMP_PERM)). 0 otherwise; then no other nmt_amx_ function
/// may be called.
int nmt_amx_bf16_available(void);

/// k rounded up to whole tiles (32): the row length of a packed A.
int64_t nmt_amx_padded_k(int64_t k);

/// uint16_t values of op(B) (k, n) packed by nmt_amx_pack_b: k and n rounded up to 32.
int64_t nmt_amx_packed_b_count(int64_t k, int64_t n);

/// Packs tile columns [first_tile_column, end_tile_column) (16 columns each, out of
/// ceil(n / 32) · 2) of op(B) (k, n) into B tiles: op(B) = B stored (k, n) with row stride
/// ldb, or Bᵀ with B stored (n, k) when transpose_b; bf16 bits. The tile of column block jb
/// and k block kb is at (jb · ceil(k / 32) + kb) · 512, 16 rows of 16 pairs (k = 2r, 2r + 1);
/// values past k and n are zeros. Threads may pack disjoint column ranges at once.
void nmt_amx_pack_b(int64_t k, int64_t n, const uint16_t *b, int64_t ldb, int transpose_b,
                    int64_t first_tile_column, int64_t end_tile_column, uint16_t *packed);

/// uint16_t values of op(A) (m, k) packed by nmt_amx_pack_a: m and k rounded up to 32.
int64_t nmt_amx_packed_a_count(int64_t m, int64_t k);

/// Rows [first_row, end_row) of op(A) (m, k) into A tiles: op(A) = A stored (m, k) with row
/// stride lda, or Aᵀ with A stored (k, m) when transpose_a; bf16 bits. The tile of rows
/// 16·ib ..< 16·ib + 16 and k block kb is at (ib · ceil(k / 32) + kb) · 512 (16 rows of 32
/// values); values past k are zeros, and when end_row ≥ m, so are the rows from m up to a
/// multiple of 32. first_row is a multiple of 32; threads may pack disjoint ranges at once.
void nmt_amx_pack_a(int64_t m, int64_t k, const uint16_t *a, int64_t lda, int transpose_a,
                    int64_t first_row, int64_t end_row, uint16_t *packed);

/// C (m, n) = A·op(B) (+ C when `accumulate`; then + bias on every row when bias is not NULL) on
/// AMX tiles, on the calling thread: A (m, k) bf16 with row stride lda whose rows hold
/// nmt_amx_padded_k(k) readable values, zeros past k (the product reads whole tiles); B packed
/// by nmt_amx_pack_b; C fp32 with row stride ldc. `scratch` holds 32 · padded_k values (the
/// last rows when m is not a multiple of 32). Each value of C is one chain of TDPBF16PS over
/// k in order, whatever m: rows computed in separate calls equal rows computed together.
void nmt_amx_gemm(int64_t m, int64_t n, int64_t k, const uint16_t *a, int64_t lda, const uint16_t *packed_b,
                  float *c, int64_t ldc, int accumulate, const float *bias, uint16_t *scratch);

/// As nmt_amx_gemm, with A packed by nmt_amx_pack_a (`packed_a` at the tile of its row 0,
/// which is a multiple of 32 of the packed matrix): every A tile is 1 KiB in one piece,
/// where rows of a long k lie kilobytes apart in place.
void nmt_amx_gemm_packed_a(int64_t m, int64_t n, int64_t k, const uint16_t *packed_a, const uint16_t *packed_b,
                           float *c, int64_t ldc, int accumulate, const float *bias);

#ifdef __cplusplus
}
#endif

#endif
