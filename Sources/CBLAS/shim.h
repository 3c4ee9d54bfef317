// The OpenBLAS CBLAS interface (Debian: libopenblas-dev, pkg-config name "openblas").
#if __has_include(<cblas.h>)
#include <cblas.h>
#else
#error "OpenBLAS headers (cblas.h) not found: install the Debian package libopenblas-dev (bash scripts/install-system-packages.sh)"
#endif
