#include "train/lr_schedule.h"

#include <algorithm>
#include <cmath>
#include <numbers>
#include <sstream>

#include "rnngen/error.h"

namespace rnngen {
namespace {

std::string num(double v) {
  std::ostringstream os;
  os << v;
  return os.str();
}

}  // namespace

LrRule parse_lr_rule(std::string_view name) {
  if (name == "constant") return LrRule::kConstant;
  if (name == "step") return LrRule::kStep;
  if (name == "plateau") return LrRule::kPlateau;
  if (name == "cosine") return LrRule::kCosine;
  if (name == "linear") return LrRule::kLinear;
  throw InputError("--lr-schedule must be one of constant, step, plateau, cosine, linear, got '" +
                   std::string(name) + "'");
}

std::string to_string(LrRule rule) {
  switch (rule) {
    case LrRule::kConstant: return "constant";
    case LrRule::kStep: return "step";
    case LrRule::kPlateau: return "plateau";
    case LrRule::kCosine: return "cosine";
    case LrRule::kLinear: return "linear";
  }
  return "?";
}

LrSchedule::LrSchedule(const LrScheduleOptions& opts) : opts_(opts) {
  if (!(opts.lr >= 0) || !std::isfinite(opts.lr))
    throw InputError("--lr must be a finite number >= 0, got " + num(opts.lr));
  const bool decays = opts.rule == LrRule::kStep || opts.rule == LrRule::kPlateau;
  if (decays && !(opts.decay > 0 && opts.decay <= 1))
    throw InputError("--lr-decay must be in (0, 1], got " + num(opts.decay));
  if (opts.rule == LrRule::kStep && opts.decay_after < 0)
    throw InputError("--lr-decay-after must be >= 0, got " + std::to_string(opts.decay_after));
  if (opts.patience < 0)
    throw InputError("plateau patience must be >= 0, got " + std::to_string(opts.patience));
  const bool anneals = opts.rule == LrRule::kCosine || opts.rule == LrRule::kLinear;
  const bool has_floor = opts.rule == LrRule::kPlateau || anneals;
  if (has_floor && !(opts.min_lr >= 0 && opts.min_lr <= opts.lr))
    throw InputError("--min-lr must be in [0, --lr], got " + num(opts.min_lr));
  if (anneals && opts.total_steps <= 0 && !opts.time_budget)
    throw InputError("--lr-schedule " + to_string(opts.rule) +
                     " needs to know where the run ends (--max-steps, --epochs or --max-time)");
  if (opts.warmup_steps < 0) throw InputError("--warmup must be >= 0, got " + std::to_string(opts.warmup_steps));
}

double LrSchedule::lr(int64_t step, int64_t epoch, double time_spent) const {
  const double rate = annealed(step, epoch, time_spent);
  if (step < opts_.warmup_steps)
    return rate * static_cast<double>(step + 1) / static_cast<double>(opts_.warmup_steps);
  return rate;
}

double LrSchedule::annealed(int64_t step, int64_t epoch, double time_spent) const {
  // How far the run is, by whichever limit ends it first.
  double p = opts_.time_budget ? std::clamp(time_spent, 0.0, 1.0) : 0.0;
  if (opts_.total_steps > 0)
    p = std::max(p, static_cast<double>(std::clamp<int64_t>(step, 0, opts_.total_steps)) /
                        static_cast<double>(opts_.total_steps));
  switch (opts_.rule) {
    case LrRule::kConstant:
      return opts_.lr;
    case LrRule::kStep: {
      // A decay happens at the end of every epoch numbered >= E (1-based), so never before
      // the first epoch has ended: the epoch with 0-based index e has seen this many.
      const int64_t decays = std::max<int64_t>(0, epoch + 1 - std::max<int64_t>(opts_.decay_after, 1));
      return opts_.lr * std::pow(opts_.decay, static_cast<double>(decays));
    }
    case LrRule::kPlateau:
      return std::max(opts_.min_lr,
                      opts_.lr * std::pow(opts_.decay, static_cast<double>(state_.reductions)));
    case LrRule::kCosine:
      return opts_.min_lr + (opts_.lr - opts_.min_lr) * 0.5 * (1.0 + std::cos(std::numbers::pi * p));
    case LrRule::kLinear:
      return opts_.min_lr + (opts_.lr - opts_.min_lr) * (1.0 - p);
  }
  return opts_.lr;
}

bool LrSchedule::on_validation(double val_loss) {
  if (opts_.rule != LrRule::kPlateau) return false;
  const bool improved = !std::isnan(val_loss) && (!state_.has_best || val_loss < state_.best);
  if (improved) {
    state_.has_best = true;
    state_.best = val_loss;
    state_.bad_evals = 0;
    return false;
  }
  if (++state_.bad_evals > opts_.patience) {
    ++state_.reductions;
    state_.bad_evals = 0;
    return true;
  }
  return false;
}

}  // namespace rnngen
