#include "train/stop_signals.h"

#include <atomic>

namespace rnngen::train {

namespace {

constexpr int kSignals[3] = {SIGINT, SIGTERM, SIGHUP};
std::atomic<int> g_signal{0};  // lock-free, so safe to store from a handler

extern "C" void on_stop_signal(int sig) {
  int none = 0;
  g_signal.compare_exchange_strong(none, sig);  // the first one decides the exit status
}

}  // namespace

StopSignalGuard::StopSignalGuard() {
  g_signal = 0;
  struct sigaction sa {};
  sa.sa_handler = on_stop_signal;
  sigemptyset(&sa.sa_mask);
  sa.sa_flags = SA_RESTART;  // a write(2) in progress continues instead of failing with EINTR
  for (int i = 0; i < 3; ++i) sigaction(kSignals[i], &sa, &prev_[i]);
}

StopSignalGuard::~StopSignalGuard() {
  for (int i = 0; i < 3; ++i) sigaction(kSignals[i], &prev_[i], nullptr);
}

int stop_signal() { return g_signal.load(); }

}  // namespace rnngen::train
