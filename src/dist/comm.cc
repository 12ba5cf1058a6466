// world() and finish() without MPI: the single process; the error silencing of both builds.
#include "dist/comm.h"

namespace rnngen::dist {
namespace {
bool g_silenced = false;
}  // namespace
void silence_errors() { g_silenced = true; }
bool errors_silenced() { return g_silenced; }
}  // namespace rnngen::dist

#ifndef RNNGEN_WITH_MPI
namespace rnngen::dist {

Comm& world() {
  static Comm single;
  return single;
}

int finish(int code) { return code; }

}  // namespace rnngen::dist
#endif
