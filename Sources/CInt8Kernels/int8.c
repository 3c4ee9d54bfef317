#include "CInt8Kernels.h"

#include <immintrin.h>
#include <float.h>
#include <string.h>

#define VNNI_TARGET __attribute__((target("avx512f,avx512bw,avx512vl,avx512dq,avx512vnni")))
#define AVX2_TARGET __attribute__((target("avx2,fma")))
#define INLINE static inline __attribute__((always_inline))

// Rows of x per register tile, and panels per tile (two panels: 32 columns with VNNI, 16
// with AVX2). VNNI: 6×2 accumulators + 2 weight vectors of 32 zmm registers; AVX2: 4×2 + 2
// of 16 ymm registers.
enum { VNNI_ROWS = 6, AVX2_ROWS = 4 };

int64_t nmt_int8_padded_depth(int64_t k, int vnni) {
    int64_t group = vnni ? 4 : 2;
    return (k + group - 1) / group * group;
}

int64_t nmt_int8_packed_bytes(int64_t n, int64_t k, int vnni) {
    int64_t width = vnni ? NMT_INT8_VNNI_PANEL : NMT_INT8_AVX2_PANEL;
    int64_t panels = (n + width - 1) / width, depth = nmt_int8_padded_depth(k, vnni);
    return panels * depth * width * (vnni ? 1 : 2);
}

void nmt_int8_pack(const int8_t *q, int64_t n, int64_t k, int vnni, void *packed, int32_t *column_sums) {
    int64_t depth = nmt_int8_padded_depth(k, vnni);
    memset(packed, 0, (size_t)nmt_int8_packed_bytes(n, k, vnni));
    if (vnni) {
        int8_t *out = packed;
        int64_t panels = (n + NMT_INT8_VNNI_PANEL - 1) / NMT_INT8_VNNI_PANEL;
        memset(column_sums, 0, (size_t)(panels * NMT_INT8_VNNI_PANEL) * sizeof(int32_t));
        for (int64_t j = 0; j < n; j++) {
            int8_t *panel = out + (j / NMT_INT8_VNNI_PANEL) * depth * NMT_INT8_VNNI_PANEL;
            int64_t column = j % NMT_INT8_VNNI_PANEL;
            int32_t sum = 0;
            for (int64_t c = 0; c < k; c++) {
                panel[(c / 4) * 64 + column * 4 + c % 4] = q[j * k + c];
                sum += q[j * k + c];
            }
            column_sums[j] = 128 * sum;
        }
    } else {
        int16_t *out = packed;
        for (int64_t j = 0; j < n; j++) {
            int16_t *panel = out + (j / NMT_INT8_AVX2_PANEL) * depth * NMT_INT8_AVX2_PANEL;
            int64_t column = j % NMT_INT8_AVX2_PANEL;
            for (int64_t c = 0; c < k; c++) panel[(c / 2) * 16 + column * 2 + c % 2] = q[j * k + c];
        }
    }
}

// MARK: Quantizing activations

// 127 / amax as the weights' quantization computes it (Tensor.Int8Quantization): an
// all-zero row gets 1, and a tiny amax is raised so that the scale stays finite.
INLINE float row_scale(float amax) {
    if (amax == 0) return 1.0f;
    if (amax < 127.0f / FLT_MAX) amax = 127.0f / FLT_MAX;
    return 127.0f / amax;
}

VNNI_TARGET
static void quantize_rows_vnni(const float *x, int64_t ldx, int64_t rows, int64_t k, uint8_t *out, float *inverse) {
    int64_t depth = nmt_int8_padded_depth(k, 1);
    for (int64_t r = 0; r < rows; r++) {
        const float *row = x + r * ldx;
        uint8_t *q = out + r * depth;
        __m512 largest = _mm512_setzero_ps();
        int64_t c = 0;
        for (; c + 16 <= k; c += 16) largest = _mm512_max_ps(largest, _mm512_abs_ps(_mm512_loadu_ps(row + c)));
        __mmask16 tail = (__mmask16)((1u << (k - c)) - 1);
        largest = _mm512_max_ps(largest, _mm512_abs_ps(_mm512_maskz_loadu_ps(tail, row + c)));
        float amax = _mm512_reduce_max_ps(largest);
        float scale = row_scale(amax);
        inverse[r] = 1.0f / scale;
        __m512 scales = _mm512_set1_ps(scale);
        __m512i offset = _mm512_set1_epi32(128);
        // Round to nearest even (the default MXCSR mode), then shift into [1, 255].
        for (c = 0; c + 16 <= k; c += 16) {
            __m512i v = _mm512_add_epi32(_mm512_cvtps_epi32(_mm512_mul_ps(_mm512_loadu_ps(row + c), scales)), offset);
            _mm_storeu_si128((__m128i *)(q + c), _mm512_cvtepi32_epi8(v));
        }
        if (c < k) {
            __m512i v = _mm512_add_epi32(_mm512_cvtps_epi32(_mm512_mul_ps(_mm512_maskz_loadu_ps(tail, row + c), scales)), offset);
            _mm512_mask_cvtepi32_storeu_epi8(q + c, tail, v);
        }
        for (int64_t p = k; p < depth; p++) q[p] = 128;
    }
}

AVX2_TARGET
static void quantize_rows_avx2(const float *x, int64_t ldx, int64_t rows, int64_t k, int16_t *out, float *inverse) {
    int64_t depth = nmt_int8_padded_depth(k, 0);
    const __m256 sign = _mm256_set1_ps(-0.0f);
    for (int64_t r = 0; r < rows; r++) {
        const float *row = x + r * ldx;
        int16_t *q = out + r * depth;
        __m256 largest = _mm256_setzero_ps();
        int64_t c = 0;
        for (; c + 8 <= k; c += 8) largest = _mm256_max_ps(largest, _mm256_andnot_ps(sign, _mm256_loadu_ps(row + c)));
        float lanes[8];
        _mm256_storeu_ps(lanes, largest);
        float amax = 0;
        for (int i = 0; i < 8; i++) amax = lanes[i] > amax ? lanes[i] : amax;
        for (int64_t t = c; t < k; t++) {
            float a = row[t] < 0 ? -row[t] : row[t];
            amax = a > amax ? a : amax;
        }
        float scale = row_scale(amax);
        inverse[r] = 1.0f / scale;
        __m256 scales = _mm256_set1_ps(scale);
        for (c = 0; c + 8 <= k; c += 8) {
            __m256i v = _mm256_cvtps_epi32(_mm256_mul_ps(_mm256_loadu_ps(row + c), scales));
            // packs works within 128-bit lanes: gather the two halves' low quadwords.
            __m256i packed = _mm256_permute4x64_epi64(_mm256_packs_epi32(v, v), 0x08);
            _mm_storeu_si128((__m128i *)(q + c), _mm256_castsi256_si128(packed));
        }
        for (; c < k; c++) q[c] = (int16_t)_mm_cvtss_si32(_mm_set_ss(row[c] * scale));
        for (int64_t p = k; p < depth; p++) q[p] = 0;
    }
}

void nmt_int8_quantize_rows(const float *x, int64_t ldx, int64_t rows, int64_t k, int vnni, void *out, float *inverse) {
    if (vnni) quantize_rows_vnni(x, ldx, rows, k, out, inverse);
    else quantize_rows_avx2(x, ldx, rows, k, out, inverse);
}

// MARK: VNNI products

// The per-column values of the columns [j0, j0 + 16) (zero past n): a tail panel's values
// are copied into `spare` so that full-width loads stay inside their arrays.
INLINE const float *panel_floats(const float *values, int64_t j0, int64_t n, int width, float *spare) {
    if (values == NULL || j0 + width <= n) return values ? values + j0 : NULL;
    for (int i = 0; i < width; i++) spare[i] = j0 + i < n ? values[j0 + i] : 0;
    return spare;
}

VNNI_TARGET INLINE void vnni_store(__m512i sum, int64_t i, int64_t j0, int64_t n, const int32_t *offsets,
                                   const float *x_inverse, const float *w_inverse, const float *bias, int relu,
                                   float *y, int64_t ldy) {
    __mmask16 valid = j0 + 16 <= n ? 0xffff : (__mmask16)((1u << (n - j0)) - 1);
    __m512 v = _mm512_cvtepi32_ps(_mm512_sub_epi32(sum, _mm512_maskz_loadu_epi32(valid, offsets + j0)));
    if (x_inverse != NULL) {
        v = _mm512_mul_ps(_mm512_mul_ps(v, _mm512_set1_ps(x_inverse[i])), _mm512_maskz_loadu_ps(valid, w_inverse + j0));
        if (bias != NULL) v = _mm512_add_ps(v, _mm512_maskz_loadu_ps(valid, bias + j0));
        if (relu) v = _mm512_max_ps(v, _mm512_setzero_ps());
    }
    _mm512_mask_storeu_ps(y + i * ldy + j0, valid, v);
}

// One tile: rows [i0, i0 + R) of x against panels p0 and p0 + 1 (when P is 2).
VNNI_TARGET INLINE void vnni_tile(const int R, const int P, int64_t i0, int64_t p0, int64_t n, int64_t depth,
                                  const uint8_t *x, const int8_t *packed, const int32_t *offsets,
                                  const float *x_inverse, const float *w_inverse, const float *bias, int relu,
                                  float *y, int64_t ldy) {
    __m512i acc[VNNI_ROWS][2];
#pragma clang loop unroll(full)
    for (int r = 0; r < R; r++) { acc[r][0] = _mm512_setzero_si512(); acc[r][1] = _mm512_setzero_si512(); }
    const int8_t *w0 = packed + p0 * depth * 16, *w1 = w0 + depth * 16;
    const uint8_t *a = x + i0 * depth;
    for (int64_t g = 0; g < depth / 4; g++) {
        __m512i b0 = _mm512_load_si512((const void *)(w0 + g * 64));
        __m512i b1 = P > 1 ? _mm512_load_si512((const void *)(w1 + g * 64)) : b0;
#pragma clang loop unroll(full)
        for (int r = 0; r < R; r++) {
            int32_t word;
            memcpy(&word, a + r * depth + g * 4, 4);
            __m512i broadcast = _mm512_set1_epi32(word);
            acc[r][0] = _mm512_dpbusd_epi32(acc[r][0], broadcast, b0);
            if (P > 1) acc[r][1] = _mm512_dpbusd_epi32(acc[r][1], broadcast, b1);
        }
    }
#pragma clang loop unroll(full)
    for (int r = 0; r < R; r++) {
        for (int p = 0; p < P; p++) {
            vnni_store(acc[r][p], i0 + r, (p0 + p) * 16, n, offsets, x_inverse, w_inverse, bias, relu, y, ldy);
        }
    }
}

#define VNNI_ROW_CASES(P)                                                                                     \
    switch (rows) {                                                                                           \
    case 6: vnni_tile(6, P, i0, p, n, depth, x, packed, offsets, x_inverse, w_inverse, bias, relu, y, ldy); break; \
    case 5: vnni_tile(5, P, i0, p, n, depth, x, packed, offsets, x_inverse, w_inverse, bias, relu, y, ldy); break; \
    case 4: vnni_tile(4, P, i0, p, n, depth, x, packed, offsets, x_inverse, w_inverse, bias, relu, y, ldy); break; \
    case 3: vnni_tile(3, P, i0, p, n, depth, x, packed, offsets, x_inverse, w_inverse, bias, relu, y, ldy); break; \
    case 2: vnni_tile(2, P, i0, p, n, depth, x, packed, offsets, x_inverse, w_inverse, bias, relu, y, ldy); break; \
    default: vnni_tile(1, P, i0, p, n, depth, x, packed, offsets, x_inverse, w_inverse, bias, relu, y, ldy); break; \
    }

VNNI_TARGET
static void gemm_vnni(int64_t m, int64_t n, int64_t k, const uint8_t *x, const float *x_inverse, const int8_t *packed,
                      const int32_t *offsets, const float *w_inverse, const float *bias, int relu,
                      int64_t panel_begin, int64_t panel_end, float *y, int64_t ldy) {
    int64_t depth = nmt_int8_padded_depth(k, 1);
    // Bias and scales of a tail panel are read with masks; offsets too.
    for (int64_t p = panel_begin; p < panel_end; p += 2) {
        int two = p + 1 < panel_end;
        for (int64_t i0 = 0; i0 < m; i0 += VNNI_ROWS) {
            int64_t rows = m - i0 < VNNI_ROWS ? m - i0 : VNNI_ROWS;
            if (two) { VNNI_ROW_CASES(2) } else { VNNI_ROW_CASES(1) }
        }
    }
}

// MARK: AVX2 products

AVX2_TARGET INLINE void avx2_store(__m256i sum, int64_t i, int64_t j0, int64_t n, const float *x_inverse,
                                   const float *w_inverse, const float *bias, int relu, float *y, int64_t ldy) {
    float spare_scale[8], spare_bias[8];
    __m256 v = _mm256_cvtepi32_ps(sum);
    if (x_inverse != NULL) {
        const float *scales = panel_floats(w_inverse, j0, n, 8, spare_scale);
        v = _mm256_mul_ps(_mm256_mul_ps(v, _mm256_set1_ps(x_inverse[i])), _mm256_loadu_ps(scales));
        if (bias != NULL) v = _mm256_add_ps(v, _mm256_loadu_ps(panel_floats(bias, j0, n, 8, spare_bias)));
        if (relu) v = _mm256_max_ps(v, _mm256_setzero_ps());
    }
    if (j0 + 8 <= n) {
        _mm256_storeu_ps(y + i * ldy + j0, v);
    } else {
        __m256i lane = _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7);
        __m256i mask = _mm256_cmpgt_epi32(_mm256_set1_epi32((int)(n - j0)), lane);
        _mm256_maskstore_ps(y + i * ldy + j0, mask, v);
    }
}

AVX2_TARGET INLINE void avx2_tile(const int R, const int P, int64_t i0, int64_t p0, int64_t n, int64_t depth,
                                  const int16_t *x, const int16_t *packed, const float *x_inverse,
                                  const float *w_inverse, const float *bias, int relu, float *y, int64_t ldy) {
    __m256i acc[AVX2_ROWS][2];
#pragma clang loop unroll(full)
    for (int r = 0; r < R; r++) { acc[r][0] = _mm256_setzero_si256(); acc[r][1] = _mm256_setzero_si256(); }
    const int16_t *w0 = packed + p0 * depth * 8, *w1 = w0 + depth * 8;
    const int16_t *a = x + i0 * depth;
    for (int64_t g = 0; g < depth / 2; g++) {
        __m256i b0 = _mm256_loadu_si256((const __m256i *)(w0 + g * 16));
        __m256i b1 = P > 1 ? _mm256_loadu_si256((const __m256i *)(w1 + g * 16)) : b0;
#pragma clang loop unroll(full)
        for (int r = 0; r < R; r++) {
            int32_t pair;
            memcpy(&pair, a + r * depth + g * 2, 4);
            __m256i broadcast = _mm256_set1_epi32(pair);
            acc[r][0] = _mm256_add_epi32(acc[r][0], _mm256_madd_epi16(broadcast, b0));
            if (P > 1) acc[r][1] = _mm256_add_epi32(acc[r][1], _mm256_madd_epi16(broadcast, b1));
        }
    }
#pragma clang loop unroll(full)
    for (int r = 0; r < R; r++) {
        for (int p = 0; p < P; p++) avx2_store(acc[r][p], i0 + r, (p0 + p) * 8, n, x_inverse, w_inverse, bias, relu, y, ldy);
    }
}

#define AVX2_ROW_CASES(P)                                                                              \
    switch (rows) {                                                                                    \
    case 4: avx2_tile(4, P, i0, p, n, depth, x, packed, x_inverse, w_inverse, bias, relu, y, ldy); break; \
    case 3: avx2_tile(3, P, i0, p, n, depth, x, packed, x_inverse, w_inverse, bias, relu, y, ldy); break; \
    case 2: avx2_tile(2, P, i0, p, n, depth, x, packed, x_inverse, w_inverse, bias, relu, y, ldy); break; \
    default: avx2_tile(1, P, i0, p, n, depth, x, packed, x_inverse, w_inverse, bias, relu, y, ldy); break; \
    }

AVX2_TARGET
static void gemm_avx2(int64_t m, int64_t n, int64_t k, const int16_t *x, const float *x_inverse, const int16_t *packed,
                      const float *w_inverse, const float *bias, int relu, int64_t panel_begin, int64_t panel_end,
                      float *y, int64_t ldy) {
    int64_t depth = nmt_int8_padded_depth(k, 0);
    for (int64_t p = panel_begin; p < panel_end; p += 2) {
        int two = p + 1 < panel_end;
        for (int64_t i0 = 0; i0 < m; i0 += AVX2_ROWS) {
            int64_t rows = m - i0 < AVX2_ROWS ? m - i0 : AVX2_ROWS;
            if (two) { AVX2_ROW_CASES(2) } else { AVX2_ROW_CASES(1) }
        }
    }
}

void nmt_int8_gemm(int64_t m, int64_t n, int64_t k, int vnni, const void *x, const float *x_inverse,
                   const void *packed, const int32_t *column_sums, const float *w_inverse,
                   const float *bias, int relu, int64_t panel_begin, int64_t panel_end,
                   float *y, int64_t ldy) {
    if (vnni) {
        gemm_vnni(m, n, k, x, x_inverse, packed, column_sums, w_inverse, bias, relu, panel_begin, panel_end, y, ldy);
    } else {
        gemm_avx2(m, n, k, x, x_inverse, packed, w_inverse, bias, relu, panel_begin, panel_end, y, ldy);
    }
}
