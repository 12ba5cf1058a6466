// rnngen plot DIR [--out FILE.png]: training and validation loss curves as a PNG.
#include <cstdio>
#include <filesystem>

#include "commands.h"
#include "train/loss_plot.h"

namespace rnngen::cli {

void add_plot(CLI::App& app, Runner& run) {
  auto* sub = app.add_subcommand("plot", "Draw train and validation loss against tokens seen (PNG, needs gnuplot)");
  auto o = std::make_shared<train::LossPlotOptions>();
  sub->add_option("DIR", o->dir, "model directory with train_log.jsonl")->required();
  sub->add_option("--out", o->out, "PNG to write (default: DIR/loss.png)");
  sub->add_option("--width", o->width, "image width in pixels")->capture_default_str()->check(CLI::Range(200, 8000));
  sub->add_option("--height", o->height, "image height in pixels")->capture_default_str()->check(CLI::Range(150, 8000));
  sub->callback([&run, o] {
    run = [o] {
      const train::LossPlotResult r = train::plot_losses(*o);
      std::printf("%s: %zu points", r.path.c_str(), r.points);
      if (r.best) std::printf(", best validation loss %.4f nats/token at step %lld", *r.best->val_nll,
                              static_cast<long long>(r.best->step));
      std::printf("\n");
      // Seq2seq runs also log accuracy: drawn beside the losses (the --out name, -accuracy).
      std::string acc_out;
      if (!o->out.empty()) {
        const std::filesystem::path p(o->out);
        acc_out = (p.parent_path() / (p.stem().string() + "-accuracy" + p.extension().string())).string();
      }
      if (const std::string acc = train::plot_accuracy(o->dir, acc_out); !acc.empty())
        std::printf("%s: validation accuracy per epoch\n", acc.c_str());
      return 0;
    };
  });
}

}  // namespace rnngen::cli
