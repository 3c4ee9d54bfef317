// Open MPI behind plain C functions: mpi.h's handles (MPI_COMM_WORLD, MPI_FLOAT, MPI_SUM,
// MPI_IN_PLACE) are macros over library globals that Swift cannot import, so the
// Distributed module calls these instead. Every function returns an MPI error code
// (MPI_SUCCESS is 0); errors return instead of aborting (nmt_mpi_init sets
// MPI_ERRORS_RETURN on the world communicator).
#ifndef NMT_COPENMPI_SHIM_H
#define NMT_COPENMPI_SHIM_H

#include <limits.h>
#include <stdint.h>
#include <mpi.h>

/// MPI_Init_thread with MPI_THREAD_FUNNELED (only the training thread calls MPI).
static inline int nmt_mpi_init(void) {
    int provided = 0;
    int code = MPI_Init_thread(NULL, NULL, MPI_THREAD_FUNNELED, &provided);
    if (code != MPI_SUCCESS) return code;
    return MPI_Comm_set_errhandler(MPI_COMM_WORLD, MPI_ERRORS_RETURN);
}

static inline int nmt_mpi_rank(int *rank) { return MPI_Comm_rank(MPI_COMM_WORLD, rank); }
static inline int nmt_mpi_size(int *size) { return MPI_Comm_size(MPI_COMM_WORLD, size); }

/// In-place sum over all ranks of `count` floats, in calls of at most INT_MAX elements.
static inline int nmt_mpi_allreduce_sum_float(float *buffer, int64_t count) {
    while (count > 0) {
        int n = count > INT_MAX ? INT_MAX : (int)count;
        int code = MPI_Allreduce(MPI_IN_PLACE, buffer, n, MPI_FLOAT, MPI_SUM, MPI_COMM_WORLD);
        if (code != MPI_SUCCESS) return code;
        buffer += n;
        count -= n;
    }
    return MPI_SUCCESS;
}

/// In-place sum over all ranks of `count` doubles.
static inline int nmt_mpi_allreduce_sum_double(double *buffer, int count) {
    return MPI_Allreduce(MPI_IN_PLACE, buffer, count, MPI_DOUBLE, MPI_SUM, MPI_COMM_WORLD);
}

/// `bytes` bytes from rank `root` to every rank, in calls of at most INT_MAX bytes.
static inline int nmt_mpi_broadcast(void *buffer, int64_t bytes, int root) {
    char *bytePointer = (char *)buffer;
    while (bytes > 0) {
        int n = bytes > INT_MAX ? INT_MAX : (int)bytes;
        int code = MPI_Bcast(bytePointer, n, MPI_BYTE, root, MPI_COMM_WORLD);
        if (code != MPI_SUCCESS) return code;
        bytePointer += n;
        bytes -= n;
    }
    return MPI_SUCCESS;
}

/// Every rank's `value`, in rank order, into `values` (size entries).
static inline int nmt_mpi_allgather_u64(uint64_t value, uint64_t *values) {
    return MPI_Allgather(&value, 1, MPI_UINT64_T, values, 1, MPI_UINT64_T, MPI_COMM_WORLD);
}

static inline int nmt_mpi_barrier(void) { return MPI_Barrier(MPI_COMM_WORLD); }

static inline int nmt_mpi_finalize(void) { return MPI_Finalize(); }

/// The text of an MPI error code into `text` (at least MPI_MAX_ERROR_STRING bytes).
static inline void nmt_mpi_error_text(int code, char *text, int capacity) {
    int length = 0;
    if (capacity < MPI_MAX_ERROR_STRING || MPI_Error_string(code, text, &length) != MPI_SUCCESS) {
        if (capacity > 0) text[0] = 0;
    }
}

static inline int nmt_mpi_max_error_text(void) { return MPI_MAX_ERROR_STRING; }

/// The library's version line ("Open MPI v4.1.4, ...").
static inline int nmt_mpi_library_version(char *text, int capacity) {
    int length = 0;
    if (capacity < MPI_MAX_LIBRARY_VERSION_STRING) return MPI_ERR_ARG;
    return MPI_Get_library_version(text, &length);
}

static inline int nmt_mpi_max_library_version(void) { return MPI_MAX_LIBRARY_VERSION_STRING; }

#endif
