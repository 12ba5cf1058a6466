// A process-wide on/off switch read once, lazily, from an environment variable, and settable
// in code (tests, A/B runs). Lazy because the variable must be read after main() starts, not
// at static initialisation, and cheap because hot kernels ask on every call.
#pragma once
#include <atomic>
#include <cstdlib>

namespace rnngen::util {

class EnvSwitch {
 public:
  // on_when(value): the switch's state when the variable holds value (nullptr when unset).
  constexpr EnvSwitch(const char* variable, bool (*on_when)(const char* value))
      : variable_(variable), on_when_(on_when) {}

  bool on() const {
    int v = state_.load(std::memory_order_relaxed);
    if (v < 0) {
      v = on_when_(std::getenv(variable_)) ? 1 : 0;
      state_.store(v, std::memory_order_relaxed);
    }
    return v == 1;
  }
  void set(bool on) { state_.store(on ? 1 : 0, std::memory_order_relaxed); }

 private:
  const char* variable_;
  bool (*on_when_)(const char*);
  mutable std::atomic<int> state_{-1};  // -1: not yet read
};

}  // namespace rnngen::util
