// rnngen train DATA... --out DIR [options]: every field of train::TrainOptions as a flag.
#include <cstdio>

#include "commands.h"
#include "dist/comm.h"
#include "train/recipe.h"
#include "train/train_flags.h"
#include "train/trainer.h"

namespace rnngen::cli {

void add_train(CLI::App& app, Runner& run) {
  auto* sub = app.add_subcommand("train", "Train a language model (or, with --task seq2seq, an encoder-decoder) on text files");
  auto o = std::make_shared<train::TrainOptions>();
  train::add_train_flags(*sub, *o);

  sub->callback([&run, o, sub] {
    // The budget's recipe, for what the command line leaves open. On --resume too: the same
    // command with --resume must continue the same schedule and batching (the network comes
    // from the model in --out whatever the flags say).
    const std::vector<train::RecipeChoice> recipe =
        train::apply_budget_recipe(*o, [sub](const std::string& flag) { return sub->get_option(flag)->count() > 0; });
    run = [o, recipe] {
      if (!o->resume_from.empty()) o->resume = true;
      if (!recipe.empty() && !o->quiet && dist::world().rank() == 0)
        std::fprintf(stderr, "rnngen train: for a %g-second budget: %s (docs/quality.md; any flag overrides)\n",
                     o->max_time, train::to_flags(recipe).c_str());
      const train::TrainResult r = train::run_training(*o);
      if (!o->quiet && r.root) {
        std::fprintf(stderr, "\nStopped by %s after %lld steps (%lld tokens, %.0f s).", r.stopped_by.c_str(),
                     static_cast<long long>(r.steps), static_cast<long long>(r.tokens), r.elapsed_s);
        if (r.best_val_nll >= 0) std::fprintf(stderr, " Best validation loss %.4f nats/token.", r.best_val_nll);
        if (o->task == "seq2seq")
          std::fprintf(stderr,
                       "\nModel: %s\n  translate: rnngen translate %s --input TEXT\n"
                       "  score:     rnngen eval %s FILE --json\n  plot:      rnngen plot %s\n"
                       "  resume:    the same train command with --resume\n",
                       o->out.c_str(), o->out.c_str(), o->out.c_str(), o->out.c_str());
        else
        std::fprintf(stderr,
                     "\nModel: %s\n  sample:  rnngen sample %s --temperature 0.5\n"
                     "  score:   rnngen eval %s FILE\n  plot:    rnngen plot %s\n"
                     "  resume:  the same train command with --resume\n",
                     o->out.c_str(), o->out.c_str(), o->out.c_str(), o->out.c_str());
      }
      // Stopped by SIGINT/SIGTERM/SIGHUP (after saving): the status a shell expects of it.
      return r.signal ? 128 + r.signal : 0;
    };
  });
}

}  // namespace rnngen::cli
