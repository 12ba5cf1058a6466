// rnngen summary DIR: layers, shapes and parameter counts of a model directory.
#include <iostream>

#include "commands.h"
#include "models/model_dir.h"
#include "models/summary.h"

namespace rnngen::cli {

void add_summary(CLI::App& app, Runner& run) {
  auto* sub = app.add_subcommand("summary", "Print a model's layers, tensor shapes and parameter counts");
  auto dir = std::make_shared<std::string>();
  sub->add_option("DIR", *dir, "model directory")->required();
  sub->callback([&run, dir] {
    run = [dir] {
      models::LoadedModel m = models::load_model_dir(*dir);
      std::cout << "Model directory: " << *dir << "\n"
                << models::summary_text(m.config(), m.table(), m.tokenizer->type());
      return 0;
    };
  });
}

}  // namespace rnngen::cli
