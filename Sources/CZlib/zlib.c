#include "CZlib.h"

int nmt_zlib_inflate_init_gzip(z_stream *stream) {
    // 15: the largest window (any gzip file's); + 16: gzip wrapping only, so a raw zlib
    // stream that happens to follow is an error rather than read silently.
    return inflateInit2(stream, 15 + 16);
}
