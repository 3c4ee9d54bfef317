#include "CBF16Kernels.h"

#include <immintrin.h>
#include <stdlib.h>
#include <string.h>

#define BF16_TARGET __attribute__((target("avx512f,avx512bw,avx512vl,avx512dq,avx512bf16")))

uint16_t nmt_bf16_round_scalar(float x) {
    uint32_t u;
    memcpy(&u, &x, sizeof u);
    if ((u & 0x7f800000u) == 0) return (uint16_t)((u >> 16) & 0x8000u);      // ±0 and subnormals → ±0
    if ((u & 0x7fffffffu) > 0x7f800000u) return (uint16_t)((u >> 16) | 0x0040u); // NaN stays NaN, quiet
    u += 0x7fffu + ((u >> 16) & 1u);                                          // to nearest, ties to even
    return (uint16_t)(u >> 16);
}

BF16_TARGET
static inline void round_row(const float *src, uint16_t *dst, int64_t n) {
    int64_t i = 0;
    for (; i + 16 <= n; i += 16) {
        __m256bh h = _mm512_cvtneps_pbh(_mm512_loadu_ps(src + i));
        _mm256_storeu_si256((__m256i *)(dst + i), (__m256i)h);
    }
    if (i < n) {
        __mmask16 mask = (__mmask16)((1u << (n - i)) - 1);
        __m256bh h = _mm512_cvtneps_pbh(_mm512_maskz_loadu_ps(mask, src + i));
        _mm256_mask_storeu_epi16(dst + i, mask, (__m256i)h);
    }
}

BF16_TARGET
void nmt_bf16_round_rows(const float *src, int64_t src_stride, int64_t rows, int64_t cols,
                         uint16_t *dst, int64_t dst_stride) {
    for (int64_t r = 0; r < rows; r++) round_row(src + r * src_stride, dst + r * dst_stride, cols);
}

// 64 columns (4 vectors) at a time, the sums in registers across all rows; the last
// columns 16 at a time under a mask. Plain adds, no FMA: each column's sum is the same
// sequence of roundings as a scalar loop over the rows.
BF16_TARGET
void nmt_bf16_round_rows_summing_columns(const float *src, int64_t src_stride, int64_t rows,
                                         int64_t first_col, int64_t end_col,
                                         uint16_t *dst, int64_t dst_stride, float *sums) {
    int64_t c = first_col;
    for (; c + 64 <= end_col; c += 64) {
        __m512 s0 = _mm512_setzero_ps(), s1 = _mm512_setzero_ps(), s2 = _mm512_setzero_ps(), s3 = _mm512_setzero_ps();
        for (int64_t r = 0; r < rows; r++) {
            const float *x = src + r * src_stride + c;
            uint16_t *y = dst + r * dst_stride + c;
            __m512 x0 = _mm512_loadu_ps(x), x1 = _mm512_loadu_ps(x + 16), x2 = _mm512_loadu_ps(x + 32), x3 = _mm512_loadu_ps(x + 48);
            _mm256_storeu_si256((__m256i *)y, (__m256i)_mm512_cvtneps_pbh(x0));
            _mm256_storeu_si256((__m256i *)(y + 16), (__m256i)_mm512_cvtneps_pbh(x1));
            _mm256_storeu_si256((__m256i *)(y + 32), (__m256i)_mm512_cvtneps_pbh(x2));
            _mm256_storeu_si256((__m256i *)(y + 48), (__m256i)_mm512_cvtneps_pbh(x3));
            s0 = _mm512_add_ps(s0, x0); s1 = _mm512_add_ps(s1, x1); s2 = _mm512_add_ps(s2, x2); s3 = _mm512_add_ps(s3, x3);
        }
        _mm512_storeu_ps(sums + c, _mm512_add_ps(_mm512_loadu_ps(sums + c), s0));
        _mm512_storeu_ps(sums + c + 16, _mm512_add_ps(_mm512_loadu_ps(sums + c + 16), s1));
        _mm512_storeu_ps(sums + c + 32, _mm512_add_ps(_mm512_loadu_ps(sums + c + 32), s2));
        _mm512_storeu_ps(sums + c + 48, _mm512_add_ps(_mm512_loadu_ps(sums + c + 48), s3));
    }
    for (; c < end_col; c += 16) {
        int64_t width = end_col - c < 16 ? end_col - c : 16;
        __mmask16 mask = (__mmask16)((1u << width) - 1);
        __m512 s = _mm512_setzero_ps();
        for (int64_t r = 0; r < rows; r++) {
            __m512 x = _mm512_maskz_loadu_ps(mask, src + r * src_stride + c);
            _mm256_mask_storeu_epi16(dst + r * dst_stride + c, mask, (__m256i)_mm512_cvtneps_pbh(x));
            s = _mm512_add_ps(s, x);
        }
        _mm512_mask_storeu_ps(sums + c, mask, _mm512_add_ps(_mm512_maskz_loadu_ps(mask, sums + c), s));
    }
}

// Per-thread packing buffers of the small product, grown as needed and kept.
static __thread uint16_t *packed_a, *packed_b, *row_buffer;
static __thread int64_t packed_a_capacity, packed_b_capacity, row_capacity;

static uint16_t *reserve(uint16_t **buffer, int64_t *capacity, int64_t count) {
    if (count > *capacity) {
        free(*buffer);
        int64_t grown = count + count / 2 + 64;
        *buffer = aligned_alloc(64, (size_t)((grown * 2 + 63) / 64 * 64));
        *capacity = grown;
    }
    return *buffer;
}

// op(A) with A stored (m, k): rows of kp bf16 values (kp = k rounded up to even, the pad
// zero), so that word (i, q) of the output, at i·kp/2 + q, holds the pair
// (A[i][2q], A[i][2q+1]) that VDPBF16PS multiplies, read as one 32-bit word.
BF16_TARGET
static void pack_rows(int64_t m, int64_t k, int64_t kp, const float *a, int64_t lda, uint16_t *out) {
    for (int64_t i = 0; i < m; i++) {
        round_row(a + i * lda, out + i * kp, k);
        if (kp > k) out[i * kp + k] = 0;
    }
}

// Stored rows 2q and 2q+1 of a (k, cols) matrix interleaved, 16 columns at a time: word
// (q, j), at q·cols + j, holds (X[2q][j], X[2q+1][j]). This is op(B)'s layout for B stored
// (k, n), and op(A)'s, word (i, q) at q·m + i, for A stored (k, m) (transposed).
BF16_TARGET
static void pack_pairs_of_rows(int64_t cols, int64_t k, int64_t kp, const float *x, int64_t ld, uint32_t *out) {
    const __m512i interleave = _mm512_set_epi16(31, 15, 30, 14, 29, 13, 28, 12, 27, 11, 26, 10, 25, 9, 24, 8,
                                                23, 7, 22, 6, 21, 5, 20, 4, 19, 3, 18, 2, 17, 1, 16, 0);
    for (int64_t q = 0; q < kp / 2; q++) {
        const float *r0 = x + (2 * q) * ld, *r1 = x + (2 * q + 1) * ld;
        int has_second = 2 * q + 1 < k;
        for (int64_t j = 0; j < cols; j += 16) {
            int64_t width = cols - j < 16 ? cols - j : 16;
            __mmask16 mask = (__mmask16)((1u << width) - 1);
            __m256bh h0 = _mm512_cvtneps_pbh(_mm512_maskz_loadu_ps(mask, r0 + j));
            __m256bh h1 = has_second ? _mm512_cvtneps_pbh(_mm512_maskz_loadu_ps(mask, r1 + j)) : (__m256bh)_mm256_setzero_si256();
            __m512i both = _mm512_inserti64x4(_mm512_castsi256_si512((__m256i)h0), (__m256i)h1, 1);
            __m512i pairs = _mm512_permutexvar_epi16(interleave, both);
            _mm512_mask_storeu_epi32(out + q * cols + j, mask, pairs);
        }
    }
}

// v[r] word c becomes v[c] word r: a 16 × 16 transpose of 32-bit words in four rounds of
// shuffles (pairs of words, pairs of pairs, 128-bit lanes twice).
BF16_TARGET
static inline void transpose16(__m512i v[16]) {
    __m512i t[16];
    for (int i = 0; i < 16; i += 2) {
        t[i] = _mm512_unpacklo_epi32(v[i], v[i + 1]);
        t[i + 1] = _mm512_unpackhi_epi32(v[i], v[i + 1]);
    }
    for (int i = 0; i < 16; i += 4) {
        v[i] = _mm512_unpacklo_epi64(t[i], t[i + 2]);
        v[i + 1] = _mm512_unpackhi_epi64(t[i], t[i + 2]);
        v[i + 2] = _mm512_unpacklo_epi64(t[i + 1], t[i + 3]);
        v[i + 3] = _mm512_unpackhi_epi64(t[i + 1], t[i + 3]);
    }
    for (int i = 0; i < 4; i++) {
        t[i] = _mm512_shuffle_i32x4(v[i], v[i + 4], 0x88);
        t[i + 4] = _mm512_shuffle_i32x4(v[i], v[i + 4], 0xdd);
        t[i + 8] = _mm512_shuffle_i32x4(v[i + 8], v[i + 12], 0x88);
        t[i + 12] = _mm512_shuffle_i32x4(v[i + 8], v[i + 12], 0xdd);
    }
    for (int i = 0; i < 4; i++) {
        v[i] = _mm512_shuffle_i32x4(t[i], t[i + 8], 0x88);
        v[i + 8] = _mm512_shuffle_i32x4(t[i], t[i + 8], 0xdd);
        v[i + 4] = _mm512_shuffle_i32x4(t[i + 4], t[i + 12], 0x88);
        v[i + 12] = _mm512_shuffle_i32x4(t[i + 4], t[i + 12], 0xdd);
    }
}

// op(B) in pairs: 32-bit word (q, j) holds (B[2q][j], B[2q+1][j]), kp/2 rows of n words.
BF16_TARGET
static void pack_b(int64_t n, int64_t k, int64_t kp, const float *b, int64_t ldb, int transpose_b, uint32_t *out) {
    if (!transpose_b) {
        pack_pairs_of_rows(n, k, kp, b, ldb, out);
        return;
    }
    // B stored (n, k): stored row j rounded is column j's pairs, in order. 16 rows at a
    // time are rounded, then turned 16 × 16 words at a time (transpose16), so that word
    // (q, j) lands at q·n + j. Gathering word q of 16 rows cost as much as the product.
    int64_t words = kp / 2;
    uint16_t *rows = reserve(&row_buffer, &row_capacity, 16 * (kp + 32));
    const int64_t row_words = (kp + 32) / 2;            // ≥ words rounded up to 16
    for (int64_t j = 0; j < n; j += 16) {
        int64_t width = n - j < 16 ? n - j : 16;
        for (int64_t r = 0; r < 16; r++) {
            uint16_t *row = rows + r * 2 * row_words;
            if (r < width) round_row(b + (j + r) * ldb, row, k);
            else memset(row, 0, (size_t)k * 2);
            memset(row + k, 0, (size_t)(2 * row_words - k) * 2);
        }
        __mmask16 mask = (__mmask16)((1u << width) - 1);
        for (int64_t q0 = 0; q0 < words; q0 += 16) {
            __m512i v[16];
            for (int r = 0; r < 16; r++) v[r] = _mm512_loadu_si512((const uint32_t *)rows + r * row_words + q0);
            transpose16(v);
            int64_t count = words - q0 < 16 ? words - q0 : 16;
            for (int64_t q = 0; q < count; q++) _mm512_mask_storeu_epi32(out + (q0 + q) * n + j, mask, v[q]);
        }
    }
}

// Rows i0 ..< i0 + ROWS of C (ROWS ≤ 8, a constant at every call, so that the row loops
// unroll and no accumulator is compared or spilled), columns j0 ..< j0 + 32 (masked at the
// edge). Each value of C is one chain of VDPBF16PS over the pairs in order, whatever ROWS.
BF16_TARGET
static inline __attribute__((always_inline)) void tile(const int ROWS, int64_t i0, int64_t j0, int64_t n, int64_t half_k,
                                                       const uint32_t *pa, int64_t a_row_stride, int64_t a_pair_stride,
                                                       const uint32_t *pb, float *c, int64_t ldc, float beta) {
    int64_t width0 = n - j0 < 16 ? n - j0 : 16, width1 = n - j0 - 16;
    width1 = width1 < 0 ? 0 : (width1 > 16 ? 16 : width1);
    __mmask16 m0 = (__mmask16)((1u << width0) - 1), m1 = (__mmask16)((1u << width1) - 1);
    __m512 acc[8][2];
    for (int r = 0; r < ROWS; r++) { acc[r][0] = _mm512_setzero_ps(); acc[r][1] = _mm512_setzero_ps(); }
    for (int64_t q = 0; q < half_k; q++) {
        __m512bh b0 = (__m512bh)_mm512_maskz_loadu_epi32(m0, pb + q * n + j0);
        __m512bh b1 = (__m512bh)_mm512_maskz_loadu_epi32(m1, pb + q * n + j0 + 16);
        for (int r = 0; r < ROWS; r++) {
            __m512bh a = (__m512bh)_mm512_set1_epi32((int)pa[(i0 + r) * a_row_stride + q * a_pair_stride]);
            acc[r][0] = _mm512_dpbf16_ps(acc[r][0], a, b0);
            acc[r][1] = _mm512_dpbf16_ps(acc[r][1], a, b1);
        }
    }
    for (int r = 0; r < ROWS; r++) {
        float *row = c + (i0 + r) * ldc + j0;
        if (beta != 0) {
            acc[r][0] = _mm512_add_ps(acc[r][0], _mm512_maskz_loadu_ps(m0, row));
            if (m1) acc[r][1] = _mm512_add_ps(acc[r][1], _mm512_maskz_loadu_ps(m1, row + 16));
        }
        _mm512_mask_storeu_ps(row, m0, acc[r][0]);
        if (m1) _mm512_mask_storeu_ps(row + 16, m1, acc[r][1]);
    }
}

BF16_TARGET
void nmt_bf16_gemm_small(int64_t m, int64_t n, int64_t k,
                         const float *a, int64_t lda, int transpose_a,
                         const float *b, int64_t ldb, int transpose_b,
                         float *c, int64_t ldc, float beta) {
    if (m <= 0 || n <= 0) return;
    int64_t kp = (k + 1) & ~(int64_t)1;
    uint16_t *pa = reserve(&packed_a, &packed_a_capacity, m * kp + 2);
    uint16_t *pb = reserve(&packed_b, &packed_b_capacity, kp * n + 2);
    // Word (i, q) of op(A) at i·row_stride + q·pair_stride: rows of pairs when A is stored
    // (m, k), pairs of rows (packed as op(B) is) when A is stored transposed.
    int64_t a_row_stride = transpose_a ? 1 : kp / 2, a_pair_stride = transpose_a ? m : 1;
    if (k > 0) {
        if (transpose_a) pack_pairs_of_rows(m, k, kp, a, lda, (uint32_t *)pa);
        else pack_rows(m, k, kp, a, lda, pa);
        pack_b(n, k, kp, b, ldb, transpose_b, (uint32_t *)pb);
    }
    // 8 rows at a time: 16 accumulators, enough independent chains to keep VDPBF16PS busy
    // on cores that issue two a cycle (4 rows left them waiting on its latency).
    const uint32_t *wa = (const uint32_t *)pa, *wb = (const uint32_t *)pb;
    const int64_t half_k = kp / 2;
    for (int64_t i0 = 0; i0 < m; i0 += 8) {
        const int64_t rows = m - i0 < 8 ? m - i0 : 8;
        for (int64_t j0 = 0; j0 < n; j0 += 32) {
            switch (rows) {
            case 8: tile(8, i0, j0, n, half_k, wa, a_row_stride, a_pair_stride, wb, c, ldc, beta); break;
            case 7: tile(7, i0, j0, n, half_k, wa, a_row_stride, a_pair_stride, wb, c, ldc, beta); break;
            case 6: tile(6, i0, j0, n, half_k, wa, a_row_stride, a_pair_stride, wb, c, ldc, beta); break;
            case 5: tile(5, i0, j0, n, half_k, wa, a_row_stride, a_pair_stride, wb, c, ldc, beta); break;
            case 4: tile(4, i0, j0, n, half_k, wa, a_row_stride, a_pair_stride, wb, c, ldc, beta); break;
            case 3: tile(3, i0, j0, n, half_k, wa, a_row_stride, a_pair_stride, wb, c, ldc, beta); break;
            case 2: tile(2, i0, j0, n, half_k, wa, a_row_stride, a_pair_stride, wb, c, ldc, beta); break;
            default: tile(1, i0, j0, n, half_k, wa, a_row_stride, a_pair_stride, wb, c, ldc, beta); break;
            }
        }
    }
}
