#include "rnngen/train.h"

#include <algorithm>
#include <cstdio>

#include "rnngen/error.h"
#include "train/recipe.h"
#include "train/train_flags.h"
#include "train/trainer.h"

namespace rnngen {

TrainSummary train_model(const std::vector<std::string>& args, const TrainHooks& hooks) {
  train::TrainOptions o;
  CLI::App app("rnngen train", "train");
  train::add_train_flags(app, o);
  std::vector<std::string> reversed(args.rbegin(), args.rend());  // CLI11 parses from the back
  try {
    app.parse(reversed);
  } catch (const CLI::ParseError& e) {
    std::string message = std::string(e.what()) + "; run 'rnngen train --help'";
    std::replace(message.begin(), message.end(), '\n', ' ');
    throw InputError(message);
  }
  // As the CLI's subcommand does: the budget's recipe for what the arguments leave open, and
  // --resume-from implying --resume.
  const std::vector<train::RecipeChoice> recipe =
      train::apply_budget_recipe(o, [&app](const std::string& flag) { return app.get_option(flag)->count() > 0; });
  if (!o.resume_from.empty()) o.resume = true;
  if (!recipe.empty() && !o.quiet)
    std::fprintf(stderr, "rnngen train: for a %g-second budget: %s (docs/quality.md; any flag overrides)\n", o.max_time,
                 train::to_flags(recipe).c_str());
  if (hooks.on_log) o.on_log = [&hooks](const std::string& r) { hooks.on_log(r); };
  o.stop_requested = hooks.stop_requested;
  const train::TrainResult r = train::run_training(o);
  TrainSummary s;
  s.steps = r.steps;
  s.tokens = r.tokens;
  s.best_val_nll = r.best_val_nll;
  s.last_train_nll = r.last_train_nll;
  s.elapsed_s = r.elapsed_s;
  s.stopped_by = r.stopped_by;
  s.signal = r.signal;
  return s;
}

}  // namespace rnngen
