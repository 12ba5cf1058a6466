// The flags of `rnngen train`, one per field of TrainOptions, bound with CLI11: the CLI's
// subcommand and the library's train_model(args) (include/rnngen/train.h) parse the same arguments
// the same way, so an in-process run is the command line's.
#pragma once
#include <CLI/CLI.hpp>

#include "train/options.h"

namespace rnngen::train {

void add_train_flags(CLI::App& sub, TrainOptions& o);

}  // namespace rnngen::train
