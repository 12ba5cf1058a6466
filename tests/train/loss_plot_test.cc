// plot_losses: a PNG appears atomically (no temporary files left), the best validation point
// is the minimum, and the title describes the model. Drawing needs gnuplot; those tests skip
// without it.
#include "train/loss_plot.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "io/config_json.h"
#include "rnngen/error.h"
#include "temp_dir.h"
#include "util/subprocess.h"

namespace rnngen::train {
namespace {

using rnngen::testing::error_of;
using rnngen::testing::TempDir;
namespace fs = std::filesystem;

std::string record(int step, double train, const char* val) {
  return "{\"step\":" + std::to_string(step) + ",\"epoch\":0.1,\"tokens\":" + std::to_string(step * 3200) +
         ",\"train_nll\":" + std::to_string(train) + ",\"val_nll\":" + val +
         ",\"lr\":0.002,\"tokens_per_s\":10000,\"elapsed_s\":" + std::to_string(step * 0.3) + "}\n";
}

TEST(LossPlot, DescribesTheModel) {
  ModelConfig c;
  c.cell = "lstm";
  c.vocab_size = 65;
  c.embed_size = 0;
  c.hidden_size = 128;
  c.num_layers = 2;
  c.dropout = 0.25;
  EXPECT_EQ(describe_model(c), "LSTM, 2 x 128, one-hot input, vocab 65, dropout 0.25");
}

TEST(LossPlot, BestValidationIsTheFirstMinimum) {
  std::vector<LogRecord> log(4);
  log[0].val_nll = 3.0;
  log[1].val_nll = 2.0;
  log[1].step = 2;
  log[2].val_nll = 2.0;
  log[2].step = 3;
  ASSERT_TRUE(best_validation(log).has_value());
  EXPECT_EQ(best_validation(log)->step, 2);
  EXPECT_FALSE(best_validation(std::vector<LogRecord>(3)).has_value());
}

TEST(LossPlot, MissingOrEmptyLogIsAnInputError) {
  TempDir dir;
  EXPECT_NE(error_of<InputError>([&] { plot_losses({dir.path().string()}); }).find("train_log.jsonl"),
            std::string::npos);
  dir.write("train_log.jsonl", "");
  EXPECT_NE(error_of<InputError>([&] { plot_losses({dir.path().string()}); }).find("empty"), std::string::npos);
}

TEST(LossPlot, WritesAPngAndNothingElse) {
  if (!find_program("gnuplot")) GTEST_SKIP() << "gnuplot not installed";
  TempDir dir;
  ModelConfig c;
  c.vocab_size = 65;
  c.embed_size = 64;
  c.hidden_size = 128;
  io::write_config(c, dir.file("config.json"));
  dir.write("train_log.jsonl", record(20, 3.5, "3.2") + record(40, 2.9, "2.7") + record(60, 2.6, "2.75"));
  const LossPlotResult r = plot_losses({dir.path().string()});
  EXPECT_EQ(r.path, dir.file("loss.png"));
  EXPECT_EQ(r.points, 3u);
  ASSERT_TRUE(r.best.has_value());
  EXPECT_EQ(r.best->step, 40);
  const std::string png = TempDir::read(r.path);
  ASSERT_GE(png.size(), 8u);
  EXPECT_EQ(png.substr(0, 8), std::string("\x89PNG\r\n\x1a\n", 8));
  // config.json, train_log.jsonl, loss.png: no temporary image left behind.
  EXPECT_EQ(std::distance(fs::directory_iterator(dir.path()), fs::directory_iterator()), 3);

  // --out elsewhere, and a run without validation data (no config.json there either).
  TempDir other;
  other.write("train_log.jsonl", record(10, 4.0, "null") + record(20, 3.0, "null"));
  const LossPlotResult r2 = plot_losses({other.path().string(), dir.file("other.png")});
  EXPECT_FALSE(r2.best.has_value());
  EXPECT_EQ(TempDir::read(dir.file("other.png")).substr(1, 3), "PNG");
}

}  // namespace
}  // namespace rnngen::train
