// Snappy's C API (snappy-c.h, from Debian's libsnappy-dev): block compression for
// Prometheus remote_write bodies.
#include <snappy-c.h>
