// Learning-rate schedules: which rate the update at a given step uses.
//
//   constant  lr
//   step      lr * F^d, where d counts the epoch ends after the first E epochs (char-rnn's
//             --learning_rate_decay / --learning_rate_decay_after): epochs 1..max(E,1) run at
//             lr, the next at lr*F, then lr*F^2, ...            (--lr-decay F --lr-decay-after E)
//   plateau   lr * F^r, where r counts the validation losses that did not beat the best so far
//             (strictly lower), after `patience` such losses in a row; never below min_lr
//   cosine    min_lr + (lr - min_lr) * (1 + cos(pi * p)) / 2, where p in [0, 1] is how far the
//             run is: min(step, S) / S over S total steps, or the fraction of the --max-time
//             budget spent, whichever is further (PyTorch's CosineAnnealingLR when the run is
//             counted in steps, held at min_lr at the end instead of rising again)
//   linear    min_lr + (lr - min_lr) * (1 - p), p as for cosine
//
// Any rule can start with a linear warm-up: the update at step s < W uses (s + 1) / W of the
// rate above (--warmup W), as the transformer recipes do, so that Adam's first, noisy updates
// at a high rate do not throw the weights far off.
//
// Rates are computed from counts with pow(), never by repeated multiplication, so a resumed
// run gets the same bits as one that never stopped; the only state is the plateau bookkeeping.
#pragma once
#include <cstdint>
#include <string>
#include <string_view>

namespace rnngen {

enum class LrRule { kConstant, kStep, kPlateau, kCosine, kLinear };

// "constant" | "step" | "plateau" | "cosine" | "linear"; anything else is an InputError naming --lr-schedule.
LrRule parse_lr_rule(std::string_view name);
std::string to_string(LrRule rule);

struct LrScheduleOptions {
  LrRule rule = LrRule::kConstant;
  double lr = 1e-3;             // the starting rate                    (--lr)
  double decay = 0.97;          // F, in (0, 1]; char-rnn's default     (--lr-decay)
  int64_t decay_after = 10;     // E, step rule; char-rnn's default     (--lr-decay-after)
  int64_t patience = 0;         // plateau: bad evaluations tolerated before a decay
  double min_lr = 0.0;          // floor for plateau, end point for cosine and linear (--min-lr)
  int64_t total_steps = 0;      // S, cosine and linear; 0 = none (then a time budget must be)
  bool time_budget = false;     // a --max-time budget gives the run's progress too
  int64_t warmup_steps = 0;     // W                                    (--warmup)
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

  // The rate for the update at 0-based global step `step`, which lies in 0-based epoch `epoch`,
  // when `time_spent` of the time budget (0..1; 0 without one) has passed.
  double lr(int64_t step, int64_t epoch, double time_spent = 0) const;

  // Reports a validation loss (plateau rule; the others ignore it). Returns true when this
  // evaluation decayed the rate. A NaN loss counts as no improvement.
  bool on_validation(double val_loss);

  const LrScheduleState& state() const { return state_; }
  void set_state(const LrScheduleState& s) { state_ = s; }
  const LrScheduleOptions& options() const { return opts_; }

 private:
  double annealed(int64_t step, int64_t epoch, double time_spent) const;  // before the warm-up

  LrScheduleOptions opts_;
  LrScheduleState state_;
};

}  // namespace rnngen
