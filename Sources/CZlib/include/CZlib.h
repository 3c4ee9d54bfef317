// Debian's zlib (zlib1g-dev) for FileIO's gzip reading. zlib's init functions are macros
// (they pass the library version and sizeof(z_stream) for a compatibility check), which
// Swift cannot call; everything else in zlib.h is plain C and is used as it is.
#ifndef NMT_CZLIB_H
#define NMT_CZLIB_H

#include <zlib.h>

#ifdef __cplusplus
extern "C" {
#endif

/// inflateInit2 for a gzip stream (RFC 1952 header and trailer, 32 KiB window): returns
/// zlib's status, Z_OK on success. `stream` must be zeroed and stay at its address.
int nmt_zlib_inflate_init_gzip(z_stream *stream);

#ifdef __cplusplus
}
#endif

#endif
