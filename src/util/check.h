// Internal invariants (not user input): a failure is a bug in rnngen, reported with its place.
#pragma once
#include <cstdio>
#include <cstdlib>

#define RNNGEN_CHECK(cond)                                                              \
  do {                                                                                  \
    if (!(cond)) {                                                                      \
      std::fprintf(stderr, "rnngen: internal error: %s at %s:%d\n", #cond, __FILE__,    \
                   __LINE__);                                                           \
      std::abort();                                                                     \
    }                                                                                   \
  } while (0)
