// What the bf16-engines developer benchmarks share: a clock, operand buffers as nmt
// allocates them, and the alternating-pairs timing that every ratio in docs/BENCHMARKS.md
// comes from. Header-only, since each program is compiled alone
// (scripts/compare-bf16-engines.sh).
#ifndef NMT_BF16_ENGINES_BENCH_H
#define NMT_BF16_ENGINES_BENCH_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>

static inline double bench_now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + t.tv_nsec * 1e-9;
}

// A zeroed operand buffer of at least `bytes` (rounded up to whole cache lines, plus one
// line of slack for kernels that read a little past the end): 64-byte aligned, or, with
// `large_pages`, 2 MiB-aligned and advised for transparent huge pages, as nmt's
// LargePageMemory allocates its arenas. Exits on failure.
static inline void *bench_buffer(size_t bytes, int large_pages) {
    size_t align = large_pages ? (size_t)2 << 20 : 64;
    size_t rounded = (bytes + 64 + align - 1) / align * align;
    void *p = aligned_alloc(align, rounded);
    if (!p) { perror("aligned_alloc"); exit(1); }
    if (large_pages) madvise(p, rounded, MADV_HUGEPAGE);
    memset(p, 0, rounded);
    return p;
}

static inline int bench_ascending(const void *x, const void *y) {
    double a = *(const double *)x, b = *(const double *)y;
    return a < b ? -1 : a > b;
}

// Median times of two calls and the median and range of `second`'s time ÷ `first`'s.
typedef struct {
    double first, second;
    double ratio, ratio_low, ratio_high;
} bench_pairs;

enum { BENCH_PAIRS = 15, BENCH_WARM_UPS = 2 };

// Calls `first` then `second` (each with `context`), BENCH_WARM_UPS untimed pairs (oneDNN
// compiles its primitives on first use) and BENCH_PAIRS timed ones: on a shared machine
// the ratio of neighbouring calls is steadier than either time.
static inline bench_pairs bench_alternate(void (*first)(void *), void (*second)(void *), void *context) {
    double a[BENCH_PAIRS], b[BENCH_PAIRS], ratio[BENCH_PAIRS];
    for (int r = -BENCH_WARM_UPS; r < BENCH_PAIRS; r++) {
        double t0 = bench_now();
        first(context);
        double t1 = bench_now();
        second(context);
        double t2 = bench_now();
        if (r >= 0) { a[r] = t1 - t0; b[r] = t2 - t1; ratio[r] = (t2 - t1) / (t1 - t0); }
    }
    qsort(a, BENCH_PAIRS, sizeof *a, bench_ascending);
    qsort(b, BENCH_PAIRS, sizeof *b, bench_ascending);
    qsort(ratio, BENCH_PAIRS, sizeof *ratio, bench_ascending);
    return (bench_pairs){a[BENCH_PAIRS / 2], b[BENCH_PAIRS / 2], ratio[BENCH_PAIRS / 2], ratio[0], ratio[BENCH_PAIRS - 1]};
}

#endif
