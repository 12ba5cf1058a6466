// Learning-rate schedules: which rate the update at a given step uses.
//
//   constant  lr
//   step      lr * F^d, where d counts the epoch ends after the first E epochs (char-rnn's
//             --learning_rate_decay / --learning_rate_decay_after): epochs 1..max(E,1) run at
//             lr, the next at lr*F, then lr*F^2, ...            (--lr-decay F --lr-decay-after E)
//   plateau   lr * F^r, where r counts the validation losses that did not beat the best so far
//             (strictly lower), after `patience` such losses in a row; never below min_lr
//   cosine    min_lr + (lr - min_lr) * (1 + cos(pi * min(step, S) / S)) / 2 over S total steps
//             (PyTorch's CosineAnnealingLR, held at min_lr after S instead of rising again)
//
// Rates are computed from counts with pow(), never by repeated multiplication, so a resumed
// run gets the same bits as one that never stopped; the only state is the plateau bookkeeping.
#pragma once
#include <cstdint>
#include <string>
#include <string_view>

namespace rnngen {

enum class LrRule { kConstant, kStep, kPlateau, kCosine };

// "constant" | "step" | "plateau" | "cosine"; anything else is an InputError naming --lr-schedule.
LrRule parse_lr_rule(std::string_view name);
std::string to_string(LrRule rule);

struct LrScheduleOptions {
  LrRule rule = LrRule::kConstant;
  double lr = 1e-3;             // the starting rate                    (--lr)
  double decay = 0.97;          // F, in (0, 1]; char-rnn's default     (--lr-decay)
  int64_t decay_after = 10;     // E, step rule; char-rnn's default     (--lr-decay-after)
  int64_t patience = 0;         // plateau: bad evaluations tolerated before a decay
  double min_lr = 0.0;          // floor for plateau, end point for cosine
  int64_t total_steps = 0;      // S, cosine only; must be > 0 there
};

// The plateau bookkeeping; what a checkpoint saves. (No infinities, so it is JSON-friendly.)
struct LrScheduleState {
  bool has_best = false;
  double best = 0.0;        // best validation loss so far, when has_best
  int64_t bad_evals = 0;    // evaluations since the last improvement or decay
  int64_t reductions = 0;   // decays so far
};

class LrSchedule {
 public:
  explicit LrSchedule(const LrScheduleOptions& opts);  // validates: InputError naming the flag

  // The rate for the update at 0-based global step `step`, which lies in 0-based epoch `epoch`.
  double lr(int64_t step, int64_t epoch) const;

  // Reports a validation loss (plateau rule; the others ignore it). Returns true when this
  // evaluation decayed the rate. A NaN loss counts as no improvement.
  bool on_validation(double val_loss);

  const LrScheduleState& state() const { return state_; }
  void set_state(const LrScheduleState& s) { state_ = s; }
  const LrScheduleOptions& options() const { return opts_; }

 private:
  LrScheduleOptions opts_;
  LrScheduleState state_;
};

}  // namespace rnngen
