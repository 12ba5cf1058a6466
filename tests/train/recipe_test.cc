// The budget's recipe fills in exactly what the user left open, from the nearest budget's row.
#include "train/recipe.h"

#include <gtest/gtest.h>

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <set>

namespace rnngen::train {
namespace {

std::vector<RecipeChoice> apply(TrainOptions& o, std::set<std::string> given = {}) {
  return apply_budget_recipe(o, [&](const std::string& f) { return given.count(f) > 0; });
}

TEST(BudgetRecipe, NothingWithoutABudgetOrForSeq2seq) {
  TrainOptions o;
  const TrainOptions before = o;
  EXPECT_TRUE(apply(o).empty());
  EXPECT_EQ(o.hidden_size, before.hidden_size);
  o.max_time = 60;
  o.task = "seq2seq";
  EXPECT_TRUE(apply(o).empty());
  EXPECT_EQ(o.lr_schedule, before.lr_schedule);
}

TEST(BudgetRecipe, FillsWhatTheUserLeftOpenAndSaysSo) {
  TrainOptions o;
  o.max_time = 60;
  o.hidden_size = 99;
  const auto choices = apply(o, {"--hidden-size"});
  EXPECT_EQ(o.hidden_size, 99);  // given: kept
  EXPECT_EQ(o.lr_schedule, "cosine");
  ASSERT_TRUE(o.lr.has_value());
  EXPECT_GT(o.epochs, 1000);  // the budget ends the run
  for (const auto& c : choices) EXPECT_NE(c.flag, "--hidden-size");
  const std::string flags = to_flags(choices);
  EXPECT_NE(flags.find("--lr-schedule cosine"), std::string::npos) << flags;
  EXPECT_EQ(flags.find("e+"), std::string::npos) << "integers print as integers: " << flags;
}

TEST(BudgetRecipe, NearestBudgetOnALogScale) {
  auto hidden_for = [](double seconds) {
    TrainOptions o;
    o.max_time = seconds;
    apply_budget_recipe(o, [](const std::string&) { return false; });
    return std::make_pair(o.hidden_size, o.batch_size);
  };
  EXPECT_EQ(hidden_for(20), hidden_for(60));
  EXPECT_EQ(hidden_for(100), hidden_for(60));    // nearer 60 than 300 on a log scale
  EXPECT_EQ(hidden_for(200), hidden_for(300));
  EXPECT_EQ(hidden_for(3600), hidden_for(900));
  EXPECT_NE(hidden_for(60), hidden_for(300)) << "the budgets' recipes differ";
}

// Word models have rows of their own (searched on PTB), also when --resume takes the tokenizer
// from the model rather than from --tokenizer.
TEST(BudgetRecipe, WordModelsTakeTheWordRows) {
  auto choose = [](const std::string& tokenizer) {
    TrainOptions o;
    o.max_time = 300;
    o.tokenizer = tokenizer;
    apply_budget_recipe(o, [](const std::string&) { return false; });
    return std::make_pair(o.hidden_size, *o.lr);
  };
  EXPECT_NE(choose("word"), choose("char"));
  EXPECT_EQ(choose("word"), choose("subword"));
  EXPECT_EQ(choose("jamo"), choose("char"));

  const std::filesystem::path dir = std::filesystem::temp_directory_path() / ("recipe_test_" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  std::ofstream(dir / "tokenizer.json") << R"({"type": "word", "style": "ptb", "words": ["a"]})";
  TrainOptions o;
  o.max_time = 300;
  o.out = dir.string();
  o.resume = true;  // --tokenizer left at its default, char
  apply_budget_recipe(o, [](const std::string&) { return false; });
  EXPECT_EQ(std::make_pair(o.hidden_size, *o.lr), choose("word"));
  std::filesystem::remove_all(dir);
}

TEST(BudgetRecipe, MinLrFollowsTheUsersLr) {
  TrainOptions o;
  o.max_time = 60;
  o.lr = 1e-2;
  apply(o, {"--lr"});
  EXPECT_DOUBLE_EQ(*o.lr, 1e-2);
  EXPECT_LE(o.min_lr, 1e-2);
}

}  // namespace
}  // namespace rnngen::train
