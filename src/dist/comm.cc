// world() and finish() without MPI: the single process.
#include "dist/comm.h"

#ifndef RNNGEN_WITH_MPI
namespace rnngen::dist {

Comm& world() {
  static Comm single;
  return single;
}

int finish(int code) { return code; }

}  // namespace rnngen::dist
#endif
