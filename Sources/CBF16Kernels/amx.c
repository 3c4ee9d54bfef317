// Layer products of the bf16 training step on AMX tiles (TDPBF16PS): op(A)·op(B) with bf16
// operands and fp32 accumulation and results, in 32 × 32 blocks of C held in 2 × 2 tiles.
// Measured against Debian's oneDNN 2.6.3 (alternating calls, one thread, Xeon family 6
// model 207; docs/BENCHMARKS.md, sixth session): 1.1–1.45× its exact-shape primitives where
// k ≤ 1,024 and A is untransposed (a layer's forward product and input gradient), but
// 0.5–0.9× its run-time primitive where k is the batch's rows (weight gradients) or the
// 8,000-wide output projection's input gradient, so Tensor.MatMul sends only the former here.
//
// The tile layout is Intel's (SDM vol. 1, ch. 3 "Intel AMX"; the intrinsics guide's
// _tile_dpbf16ps): a C tile is 16 rows of 16 fp32, an A tile 16 rows of 32 bf16 (k runs
// along the row), a B tile 16 rows of 16 bf16 pairs, row r holding k = 2r and 2r + 1 of 16
// columns ("VNNI" layout). Every tile here is 16 rows of 64 bytes.
#include "CBF16Kernels.h"

#include <cpuid.h>
#include <immintrin.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#define AMX_TARGET __attribute__((target("amx-tile,amx-bf16,avx512f,avx512bw,avx512vl")))
#define PACK_TARGET __attribute__((target("avx512f,avx512bw,avx512vl")))

enum {
    TILE_K = 32,          // bf16 values of k per A tile row and per B tile
    BLOCK = 32,           // rows and columns of C per 2 × 2 tiles
    B_TILE = 512,         // uint16 values per packed B tile (16 rows × 32)
    PANEL = 256,          // columns of C per pass over the rows (its B tiles stay in L2)
};

// Linux's arch_prctl codes (asm/prctl.h) and XSAVE's feature number of the tile data.
#define ARCH_REQ_XCOMP_PERM 0x1023
#define XFEATURE_XTILEDATA 18

static int64_t round_up(int64_t x, int64_t to) { return (x + to - 1) / to * to; }

int64_t nmt_amx_padded_k(int64_t k) { return round_up(k, TILE_K); }

int64_t nmt_amx_packed_b_count(int64_t k, int64_t n) { return round_up(k, TILE_K) * round_up(n, BLOCK); }

int64_t nmt_amx_packed_a_count(int64_t m, int64_t k) { return round_up(m, BLOCK) * round_up(k, TILE_K); }

static int detect(void) {
    unsigned eax, ebx, ecx, edx;
    if (!__get_cpuid_count(7, 0, &eax, &ebx, &ecx, &edx)) return 0;
    int amx_bf16 = (edx >> 22) & 1, amx_tile = (edx >> 24) & 1;
    if (!amx_bf16 || !amx_tile) return 0;
    if (!__get_cpuid(1, &eax, &ebx, &ecx, &edx) || !((ecx >> 27) & 1)) return 0; // OSXSAVE
    unsigned lo, hi;
    __asm__ volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
    if (((lo >> 17) & 3) != 3) return 0; // the OS saves XTILECFG and XTILEDATA
    // Linux 5.16+ hands out the tile state per process on request only.
    return syscall(SYS_arch_prctl, ARCH_REQ_XCOMP_PERM, XFEATURE_XTILEDATA) == 0;
}

int nmt_amx_bf16_available(void) {
    static int state = -1; // -1 unknown; a race only repeats the same detection
    int known = __atomic_load_n(&state, __ATOMIC_ACQUIRE);
    if (known >= 0) return known;
    known = detect();
    __atomic_store_n(&state, known, __ATOMIC_RELEASE);
    return known;
}

// out[r·16 + c] = in[c·16 + r] for a 16 × 16 block of words: pairs of words, then of
// 64-bit pairs, then 128-bit lanes exchanged across four rows (64 shuffles in all).
PACK_TARGET
static inline void transpose_words(const uint32_t *in, uint32_t *out) {
    __m512i r[16], t[16];
    for (int i = 0; i < 16; i++) r[i] = _mm512_loadu_si512(in + i * 16);
    for (int i = 0; i < 8; i++) {
        t[2 * i] = _mm512_unpacklo_epi32(r[2 * i], r[2 * i + 1]);
        t[2 * i + 1] = _mm512_unpackhi_epi32(r[2 * i], r[2 * i + 1]);
    }
    // r[4g + j], lane L: column 4L + j of rows 4g ..< 4g + 4.
    for (int g = 0; g < 4; g++) {
        r[4 * g] = _mm512_unpacklo_epi64(t[4 * g], t[4 * g + 2]);
        r[4 * g + 1] = _mm512_unpackhi_epi64(t[4 * g], t[4 * g + 2]);
        r[4 * g + 2] = _mm512_unpacklo_epi64(t[4 * g + 1], t[4 * g + 3]);
        r[4 * g + 3] = _mm512_unpackhi_epi64(t[4 * g + 1], t[4 * g + 3]);
    }
    for (int j = 0; j < 4; j++) {
        __m512i x0 = _mm512_shuffle_i32x4(r[j], r[4 + j], 0x44), x1 = _mm512_shuffle_i32x4(r[j], r[4 + j], 0xee);
        __m512i y0 = _mm512_shuffle_i32x4(r[8 + j], r[12 + j], 0x44), y1 = _mm512_shuffle_i32x4(r[8 + j], r[12 + j], 0xee);
        _mm512_storeu_si512(out + j * 16, _mm512_shuffle_i32x4(x0, y0, 0x88));
        _mm512_storeu_si512(out + (4 + j) * 16, _mm512_shuffle_i32x4(x0, y0, 0xdd));
        _mm512_storeu_si512(out + (8 + j) * 16, _mm512_shuffle_i32x4(x1, y1, 0x88));
        _mm512_storeu_si512(out + (12 + j) * 16, _mm512_shuffle_i32x4(x1, y1, 0xdd));
    }
}

static __mmask16 first(int64_t count) {
    return count >= 16 ? (__mmask16)0xffff : count <= 0 ? 0 : (__mmask16)((1u << count) - 1);
}

// 16 rows of 32 values (an A tile, or a B tile's columns before they are turned): rows
// row0 ..< row0 + 16 of `src` (row stride ld; those from `rows` on are zeros), values
// q0 ..< q0 + 32 of each (those from k on are zeros).
PACK_TARGET
static inline void copy_rows(const uint16_t *src, int64_t ld, int64_t row0, int64_t rows, int64_t q0, int64_t k,
                             uint32_t *out) {
    const __mmask32 depth = k - q0 >= 32 ? 0xffffffffu : (__mmask32)((1ull << (k - q0)) - 1);
    for (int r = 0; r < 16; r++)
        _mm512_storeu_si512(out + r * 16, row0 + r < rows ? _mm512_maskz_loadu_epi16(depth, src + (row0 + r) * ld + q0)
                                                          : _mm512_setzero_si512());
}

// 16 rows of 16 words (a B tile, or an A tile's columns before they are turned): row w pairs
// rows q0 + 2w and q0 + 2w + 1 of `src` (row stride ld; those from k on are zeros), columns
// j0 ..< j0 + 16 (those from n on are zeros).
PACK_TARGET
static inline void pair_rows(const uint16_t *src, int64_t ld, int64_t q0, int64_t k, int64_t j0, int64_t n,
                             uint32_t *out) {
    const __mmask16 columns = first(n - j0);
    for (int w = 0; w < 16; w++) {
        const int64_t q = q0 + 2 * w;
        __m512i lo = q < k && columns ? _mm512_cvtepu16_epi32(_mm256_maskz_loadu_epi16(columns, src + q * ld + j0))
                                      : _mm512_setzero_si512();
        __m512i hi = q + 1 < k && columns ? _mm512_cvtepu16_epi32(_mm256_maskz_loadu_epi16(columns, src + (q + 1) * ld + j0))
                                          : _mm512_setzero_si512();
        _mm512_storeu_si512(out + w * 16, _mm512_or_si512(lo, _mm512_slli_epi32(hi, 16)));
    }
}

PACK_TARGET
void nmt_amx_pack_b(int64_t k, int64_t n, const uint16_t *b, int64_t ldb, int transpose_b,
                    int64_t first_tile_column, int64_t end_tile_column, uint16_t *packed) {
    const int64_t kb_count = round_up(k, TILE_K) / TILE_K;
    __attribute__((aligned(64))) uint32_t block[256];
    for (int64_t jb = first_tile_column; jb < end_tile_column; jb++) {
        for (int64_t kb = 0; kb < kb_count; kb++) {
            uint32_t *tile = (uint32_t *)(packed + (jb * kb_count + kb) * B_TILE);
            if (!transpose_b) {
                pair_rows(b, ldb, kb * TILE_K, k, jb * 16, n, tile); // op(B) = B (k, n)
            } else {
                // op(B) = Bᵀ, B (n, k): column c of the tile is 32 consecutive values of B's
                // row jb·16 + c, already pairs; turned, they are the tile's rows.
                copy_rows(b, ldb, jb * 16, n, kb * TILE_K, k, block);
                transpose_words(block, tile);
            }
        }
    }
}

PACK_TARGET
void nmt_amx_pack_a(int64_t m, int64_t k, const uint16_t *a, int64_t lda, int transpose_a,
                    int64_t first_row, int64_t end_row, uint16_t *packed) {
    const int64_t kb_count = round_up(k, TILE_K) / TILE_K;
    const int64_t last = end_row < m ? end_row : round_up(m, BLOCK); // rows past m: zeros
    __attribute__((aligned(64))) uint32_t block[256];
    for (int64_t i0 = first_row; i0 < last; i0 += 16) {
        for (int64_t kb = 0; kb < kb_count; kb++) {
            uint32_t *tile = (uint32_t *)(packed + ((i0 / 16) * kb_count + kb) * B_TILE);
            if (!transpose_a) {
                copy_rows(a, lda, i0, m, kb * TILE_K, k, tile); // op(A) = A (m, k)
            } else {
                // op(A) = Aᵀ, A (k, m): pair A's rows as a B tile would; turned, they are
                // the A tile.
                pair_rows(a, lda, kb * TILE_K, k, i0, m, block);
                transpose_words(block, tile);
            }
        }
    }
}

typedef struct {
    uint8_t palette;
    uint8_t start_row;
    uint8_t reserved[14];
    uint16_t bytes_per_row[16];
    uint8_t rows[16];
} TileConfig;

// Tiles 0–3: C (rows 0–15 and 16–31 × columns 0–15 and 16–31); 4, 5: A (rows 0–15, 16–31);
// 6, 7: B (columns 0–15, 16–31). All 16 rows of 64 bytes.
AMX_TARGET
static void configure_tiles(void) {
    TileConfig config;
    memset(&config, 0, sizeof config);
    config.palette = 1;
    for (int t = 0; t < 8; t++) {
        config.bytes_per_row[t] = 64;
        config.rows[t] = 16;
    }
    _tile_loadconfig(&config);
}

// Where a 32-row block's A tiles are: the upper 16 rows' tile of k block kb at
// a + kb · kb_step, the lower's at a + lower + kb · kb_step, each `stride` bytes per row.
typedef struct {
    const uint16_t *a;
    int64_t lower, kb_step, stride;
} ATiles;

// The 32 × 32 block of C in tiles 0–3 gains A's 32 rows times the packed B column tiles b0
// and b1, over kb_count blocks of k.
AMX_TARGET
static inline void multiply_block(ATiles a, const uint16_t *b0, const uint16_t *b1, int64_t kb_count) {
    const uint16_t *upper = a.a, *lower = a.a + a.lower;
    for (int64_t kb = 0; kb < kb_count; kb++) {
        _tile_loadd(4, upper + kb * a.kb_step, a.stride);
        _tile_loadd(5, lower + kb * a.kb_step, a.stride);
        _tile_loadd(6, b0 + kb * B_TILE, 64);
        _tile_loadd(7, b1 + kb * B_TILE, 64);
        _tile_dpbf16ps(0, 4, 6);
        _tile_dpbf16ps(1, 4, 7);
        _tile_dpbf16ps(2, 5, 6);
        _tile_dpbf16ps(3, 5, 7);
    }
}

// Rows 0 ..< rows of a 32-column block of C (row stride ldc) gain the block's 32 biases,
// after the product, as Elementwise.addBias would add them: the same values bit for bit.
AMX_TARGET
static inline void add_bias(float *c, int64_t ldc, int64_t rows, const float *bias) {
    const __m512 b0 = _mm512_loadu_ps(bias), b1 = _mm512_loadu_ps(bias + 16);
    for (int64_t r = 0; r < rows; r++) {
        _mm512_storeu_ps(c + r * ldc, _mm512_add_ps(_mm512_loadu_ps(c + r * ldc), b0));
        _mm512_storeu_ps(c + r * ldc + 16, _mm512_add_ps(_mm512_loadu_ps(c + r * ldc + 16), b1));
    }
}

// C (m, n) (+)= the product, A's 32-row block i given by `tiles_of(i)`.
AMX_TARGET
static void multiply(int64_t m, int64_t n, int64_t kb_count, ATiles (*tiles_of)(const void *, int64_t), const void *context,
                     const uint16_t *packed_b, float *c, int64_t ldc, int accumulate, const float *bias) {
    const int64_t np = round_up(n, BLOCK);
    configure_tiles();
    __attribute__((aligned(64))) float edge[BLOCK * BLOCK];
    for (int64_t panel = 0; panel < np; panel += PANEL) {
        const int64_t panel_end = panel + PANEL < np ? panel + PANEL : np;
        for (int64_t i = 0; i < m; i += BLOCK) {
            const int64_t rows = m - i < BLOCK ? m - i : BLOCK;
            const ATiles ai = tiles_of(context, i);
            for (int64_t j = panel; j < panel_end; j += BLOCK) {
                const uint16_t *b0 = packed_b + (j / 16) * kb_count * B_TILE, *b1 = b0 + kb_count * B_TILE;
                const int64_t columns = n - j < BLOCK ? n - j : BLOCK;
                float *cij = c + i * ldc + j;
                const int whole = rows == BLOCK && columns == BLOCK;
                // An edge block goes through `edge`, C's part of it copied in and out.
                float *target = whole ? cij : edge;
                const int64_t ld = whole ? ldc : BLOCK, stride = ld * 4;
                if (!whole) {
                    for (int64_t r = 0; r < BLOCK; r++)
                        for (int64_t s = 0; s < BLOCK; s++)
                            edge[r * BLOCK + s] = accumulate && r < rows && s < columns ? cij[r * ldc + s] : 0;
                }
                if (accumulate || !whole) {
                    _tile_loadd(0, target, stride);
                    _tile_loadd(1, target + 16, stride);
                    _tile_loadd(2, target + 16 * ld, stride);
                    _tile_loadd(3, target + 16 * ld + 16, stride);
                } else {
                    _tile_zero(0);
                    _tile_zero(1);
                    _tile_zero(2);
                    _tile_zero(3);
                }
                multiply_block(ai, b0, b1, kb_count);
                _tile_stored(0, target, stride);
                _tile_stored(1, target + 16, stride);
                _tile_stored(2, target + 16 * ld, stride);
                _tile_stored(3, target + 16 * ld + 16, stride);
                if (whole) {
                    if (bias) add_bias(cij, ldc, BLOCK, bias + j);
                } else {
                    for (int64_t r = 0; r < rows; r++)
                        for (int64_t s = 0; s < columns; s++)
                            cij[r * ldc + s] = bias ? edge[r * BLOCK + s] + bias[j + s] : edge[r * BLOCK + s];
                }
            }
        }
    }
    _tile_release();
}

typedef struct {
    const uint16_t *a, *scratch;
    int64_t lda, kp, full_rows;
} RowMajorA;

// Rows of A in place (row stride lda), the last partial block from the scratch copy.
static ATiles row_major_tiles(const void *context, int64_t i) {
    const RowMajorA *a = context;
    if (i < a->full_rows) return (ATiles){a->a + i * a->lda, 16 * a->lda, TILE_K, a->lda * 2};
    return (ATiles){a->scratch, 16 * a->kp, TILE_K, a->kp * 2};
}

AMX_TARGET
void nmt_amx_gemm(int64_t m, int64_t n, int64_t k, const uint16_t *a, int64_t lda, const uint16_t *packed_b,
                  float *c, int64_t ldc, int accumulate, const float *bias, uint16_t *scratch) {
    if (m <= 0 || n <= 0) return;
    const int64_t kp = round_up(k, TILE_K), full_rows = m / BLOCK * BLOCK;
    if (full_rows < m) { // the last rows, padded to a whole block with zero rows
        for (int64_t r = 0; r < BLOCK; r++) {
            if (full_rows + r < m) memcpy(scratch + r * kp, a + (full_rows + r) * lda, (size_t)kp * 2);
            else memset(scratch + r * kp, 0, (size_t)kp * 2);
        }
    }
    const RowMajorA context = {a, scratch, lda, kp, full_rows};
    multiply(m, n, kp / TILE_K, row_major_tiles, &context, packed_b, c, ldc, accumulate, bias);
}

typedef struct {
    const uint16_t *a;
    int64_t kb_count;
} PackedA;

// Packed A's tiles: 1 KiB each, a 16-row block's k blocks one after another.
static ATiles packed_tiles(const void *context, int64_t i) {
    const PackedA *a = context;
    const int64_t block = a->kb_count * B_TILE;
    return (ATiles){a->a + (i / 16) * block, block, B_TILE, 64};
}

AMX_TARGET
void nmt_amx_gemm_packed_a(int64_t m, int64_t n, int64_t k, const uint16_t *packed_a, const uint16_t *packed_b,
                           float *c, int64_t ldc, int accumulate, const float *bias) {
    if (m <= 0 || n <= 0) return;
    const PackedA context = {packed_a, round_up(k, TILE_K) / TILE_K};
    multiply(m, n, context.kb_count, packed_tiles, &context, packed_b, c, ldc, accumulate, bias);
}
