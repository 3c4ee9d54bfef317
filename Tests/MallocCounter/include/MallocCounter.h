#ifndef NMT_MALLOC_COUNTER_H
#define NMT_MALLOC_COUNTER_H

/// Heap allocations (malloc, calloc, realloc, aligned and memalign variants) made by the
/// calling thread since it started. The test binary that links this target interposes
/// glibc's allocator and forwards every call to it, so counting costs one increment.
long nmt_thread_allocations(void);

#endif
