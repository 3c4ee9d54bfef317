// int8 products for decoding (`nmt translate --precision int8`): activations quantized per
// row at run time, weights quantized per output row ahead of time and packed, 32-bit
// integer accumulation, fp32 results. Two paths:
//
// - VNNI (AVX512-VNNI: VPDPBUSD multiplies unsigned bytes by signed bytes, four products
//   summed into each 32-bit lane). Activations are stored offset by +128 as unsigned
//   bytes; the offset's contribution, 128·Σ_k w[j][k], is subtracted per column.
// - AVX2 (every AVX2 CPU): operands widened to 16 bits and multiplied with VPMADDWD,
//   which is exact for int8 values. (VPMADDUBSW would be faster but saturates its 16-bit
//   pair sums: 255·127·2 > 32767.)
//
// Call a path's functions only where CPUID reports its features (Tensor.Int8Path).
#ifndef NMT_CInt8Kernels_H
#define NMT_CInt8Kernels_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/// Columns per packed panel: 16 on the VNNI path, 8 on the AVX2 path.
enum { NMT_INT8_VNNI_PANEL = 16, NMT_INT8_AVX2_PANEL = 8 };

/// k rounded up to what a path's packed row needs: 4 (VNNI) or 2 (AVX2).
int64_t nmt_int8_padded_depth(int64_t k, int vnni);

/// Bytes of a packed weight matrix of n rows and k columns.
int64_t nmt_int8_packed_bytes(int64_t n, int64_t k, int vnni);

/// Packs the quantized weight q (n, k), row-major int8, for a path.
///
/// VNNI: ⌈n/16⌉ panels; in each, for every group of 4 columns of q, 16 rows × 4 bytes (64
/// bytes, one zmm). AVX2: ⌈n/8⌉ panels; in each, for every pair of columns, 8 rows × 2
/// int16 (32 bytes, one ymm). Rows past n and columns past k are zero. On the VNNI path
/// `column_sums` (n) gets 128·Σ_k q[j][k], the unsigned offset's contribution.
void nmt_int8_pack(const int8_t *q, int64_t n, int64_t k, int vnni, void *packed, int32_t *column_sums);

/// Quantizes rows of x (rows, k; row stride ldx) symmetrically per row: scale =
/// 127 / max|x_row| (1 for an all-zero row), q = round-to-nearest-even(x·scale), which lies
/// in [-127, 127]. Writes q + 128 as bytes (VNNI, row stride `nmt_int8_padded_depth`) or q
/// as int16 (AVX2, same stride in elements), padding with zeros' codes, and
/// inverse_scales[r] = 1 / scale.
void nmt_int8_quantize_rows(const float *x, int64_t ldx, int64_t rows, int64_t k, int vnni,
                            void *out, float *inverse_scales);

/// y[i][j] = (Σ_k xq[i][k]·wq[j][k]) · x_inverse[i] · w_inverse[j] + bias[j], then
/// max(0, ·) when relu, for the rows i < m and the columns j of panels
/// [panel_begin, panel_end). x is `nmt_int8_quantize_rows`' output, w the packed matrix.
/// With x_inverse NULL the exact integer sums are stored as floats instead (for tests).
/// y has row stride ldy; bias may be NULL.
void nmt_int8_gemm(int64_t m, int64_t n, int64_t k, int vnni, const void *x, const float *x_inverse,
                   const void *packed, const int32_t *column_sums, const float *w_inverse,
                   const float *bias, int relu, int64_t panel_begin, int64_t panel_end,
                   float *y, int64_t ldy);

#ifdef __cplusplus
}
#endif

#endif
