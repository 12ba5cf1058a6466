// Errors the library reports. Front ends map InputError to exit status 2 (bad usage or input)
// and everything else to 1.
#pragma once
#include <stdexcept>
#include <string>

namespace rnngen {

// Bad input from outside: a file, a flag, a config key. The message names what is wrong and
// where (file, line:column, byte offset, key), in one line.
class InputError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

}  // namespace rnngen
