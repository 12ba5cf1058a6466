#include "train/recipe.h"

#include <cmath>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <type_traits>

namespace rnngen::train {
namespace {

// One row of the search's winners (docs/quality.md, "Recipe search").
struct Recipe {
  double budget_s;  // the budget it was chosen for
  int embed, hidden, layers;
  double dropout;
  int batch, seq_len;
  double lr, min_lr_ratio;
  int warmup;
  const char* schedule;
  int max_epochs;  // passes over the data at most (0: the budget alone ends the run)
};

constexpr Recipe kRecipes[] = {
    // budget  embed hidden layers dropout batch seq   lr    min/lr warmup schedule  epochs
    {60,       256,  256,   2,     0.0,    64,   50,   6e-3, 0.0,   0,     "cosine", 0},
    {300,      256,  512,   2,     0.1,    64,   50,   2e-3, 0.0,   0,     "cosine", 0},
    // On tinyshakespeare every 900-s network tried (512 x 2 with dropout 0.2 and 0.4 over 17
    // passes, 768 x 2 with 0.4 over 7, 1024 x 2 with 0.3 over 5) ended at 1.418-1.436 held-out,
    // above the 300-s row's 1.4114 after its 5.8 passes: a 1 MB corpus is used up before 900 s.
    // So: the 300-s network, its cosine decay ending after 6 passes or the budget, whichever
    // comes first (docs/quality.md, "The recipe search").
    {900,      256,  512,   2,     0.1,    64,   50,   2e-3, 0.0,   0,     "cosine", 6},
};

// Word and subword models (a 10,000-way softmax on PTB): the char rows' 300-s network at 2e-3
// never left the unigram plateau on PTB words in 300 s (6.54 nats/word); the 60-s row's
// network at 6e-3 reached 5.07 in the same time, and 512 x 2 with dropout 0.1 at 6e-3 5.08
// (docs/quality.md, "PTB words"). One row, searched at 300 s only, for every budget.
constexpr Recipe kWordRecipes[] = {
    // budget  embed hidden layers dropout batch seq   lr    min/lr warmup schedule  epochs
    {300,      256,  256,   2,     0.0,    64,   50,   6e-3, 0.0,   0,     "cosine", 0},
};

std::string text(double v) {
  std::ostringstream os;
  os << v;
  return os.str();
}

// The row whose budget is nearest on a log scale (30 s gets the 60-s one, an hour the 900-s).
template <size_t N>
const Recipe& nearest(const Recipe (&rows)[N], double budget_s) {
  const Recipe* best = &rows[0];
  for (const Recipe& r : rows)
    if (std::abs(std::log(r.budget_s / budget_s)) < std::abs(std::log(best->budget_s / budget_s))) best = &r;
  return *best;
}

// The tokenizer the run will use: the model's on --resume (its tokenizer.json), else --tokenizer.
std::string tokenizer_type(const TrainOptions& o) {
  if ((o.resume || !o.resume_from.empty()) && !o.out.empty()) {
    std::ifstream f(std::filesystem::path(o.out) / "tokenizer.json");
    const nlohmann::json j = nlohmann::json::parse(f, nullptr, /*allow_exceptions=*/false);
    if (j.is_object() && j.contains("type") && j["type"].is_string()) return j["type"].get<std::string>();
  }
  return o.tokenizer;
}

}  // namespace

std::vector<RecipeChoice> apply_budget_recipe(TrainOptions& o, const std::function<bool(const std::string&)>& given) {
  std::vector<RecipeChoice> out;
  if (o.task != "lm" || o.max_time <= 0) return out;
  const std::string tok = tokenizer_type(o);
  const Recipe& r = tok == "word" || tok == "subword" ? nearest(kWordRecipes, o.max_time) : nearest(kRecipes, o.max_time);
  auto set = [&](const char* flag, auto& field, auto value) {
    if (given(flag)) return;
    field = value;
    if constexpr (std::is_integral_v<decltype(value)>) out.push_back({flag, std::to_string(value)});
    else out.push_back({flag, text(value)});
  };
  set("--embed-size", o.embed_size, r.embed);
  set("--hidden-size", o.hidden_size, r.hidden);
  set("--num-layers", o.num_layers, r.layers);
  set("--dropout", o.dropout, r.dropout);
  set("--batch-size", o.batch_size, r.batch);
  set("--seq-len", o.seq_len, r.seq_len);
  if (!given("--lr")) {
    o.lr = r.lr;
    out.push_back({"--lr", text(r.lr)});
  }
  if (!given("--lr-schedule")) {
    o.lr_schedule = r.schedule;
    out.push_back({"--lr-schedule", r.schedule});
  }
  set("--warmup", o.warmup, static_cast<int64_t>(r.warmup));
  set("--min-lr", o.min_lr, o.lr.value_or(r.lr) * r.min_lr_ratio);
  // The budget ends the run, or the row's count of passes where more would only overfit.
  set("--epochs", o.epochs, r.max_epochs > 0 ? r.max_epochs : 1000000);
  return out;
}

std::string to_flags(const std::vector<RecipeChoice>& choices) {
  std::string s;
  for (const auto& c : choices) s += (s.empty() ? "" : " ") + c.flag + " " + c.value;
  return s;
}

}  // namespace rnngen::train
