// What `rnngen train DATA --out DIR --max-time S` does when the user gives nothing else: the
// network, batching and schedule that learned the most in S seconds in the recipe search of
// docs/quality.md (char-level tinyshakespeare, 2 threads; word models: PTB). The user's own
// flags always win.
#pragma once
#include <functional>
#include <string>
#include <vector>

#include "train/options.h"

namespace rnngen::train {

struct RecipeChoice {
  std::string flag;   // "--hidden-size"
  std::string value;  // "512"
};

// Sets, for a language model with --max-time > 0, every recipe option the user did not give
// (given("--flag") is false) to the recipe of the nearest budget, and returns what it set, in
// flag order; returns nothing (and changes nothing) otherwise.
std::vector<RecipeChoice> apply_budget_recipe(TrainOptions& o, const std::function<bool(const std::string&)>& given);

// "--hidden-size 512 --num-layers 2 ...": the choices as the flags that would make them.
std::string to_flags(const std::vector<RecipeChoice>& choices);

}  // namespace rnngen::train
