// Progress on long work: one line rewritten in place on a terminal, plain log lines otherwise
// (a file or a pipe gets a line every few seconds instead of a flood of carriage returns).
#pragma once
#include <chrono>
#include <string>

namespace rnngen {

class Progress {
 public:
  explicit Progress(bool enabled = true);
  // Shows `line` now on a terminal (at most every 0.1 s), or as a log line at most every
  // `log_interval_s` seconds otherwise. force = print regardless of the interval.
  void update(const std::string& line, bool force = false);
  // Prints a message on its own line without garbling the live line.
  void message(const std::string& text);
  // Ends the live line.
  void finish();
  // Erases the live line (for progress that should leave no trace once the result is out).
  void clear();
  bool is_terminal() const { return tty_; }

 private:
  bool enabled_, tty_;
  bool live_ = false;
  double log_interval_s_ = 10.0;
  std::chrono::steady_clock::time_point last_;
  bool printed_ = false;
};

// "1h02m", "3m05s", "42s".
std::string format_duration(double seconds);
// "48.2k", "1.25M".
std::string format_count(double v);

}  // namespace rnngen
