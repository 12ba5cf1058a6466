// Seed 003's tiny Korean example, exactly: three lines, a Keras-style word tokenizer, every
// line its own zero-started sequence (Keras prefix training), Embedding 10, SimpleRNN 32,
// Adam (Keras's lr 1e-3), 200 epochs, then greedy generation from a start word.
#include <gtest/gtest.h>

#include "models/model_dir.h"
#include "sample/generate.h"
#include "temp_dir.h"
#include "train/trainer.h"

namespace rnngen {
namespace {

TEST(KoreanExample, GreedyGenerationReproducesTheSeed) {
  testing::TempDir dir;
  const std::string corpus = dir.write("corpus.txt",
                                       "경마장에 있는 말이 뛰고 있다\n"
                                       "그의 말이 법이다\n"
                                       "가는 말이 고와야 오는 말이 곱다\n");
  train::TrainOptions o;
  o.data = {corpus};
  o.out = dir.file("model");
  o.tokenizer = "word";
  o.sequences = "lines";
  o.cell = "rnn";
  o.embed_size = 10;
  o.hidden_size = 32;
  o.num_layers = 1;
  o.optimizer = "adam";
  o.lr = 1e-3;
  o.clip = 0;
  o.epochs = 200;
  o.val_fraction = 0;
  o.threads = 1;
  o.quiet = true;
  const train::TrainResult r = train::run_training(o);
  EXPECT_EQ(r.steps, 200);

  models::LoadedModel m = models::load_model_dir(o.out);
  EXPECT_EQ(m.tokenizer->vocab_size(), 12);  // Keras: 11 words + the padding id 0
  auto greedy = [&](const std::string& prime, int words) {
    sample::GenerateOptions g;
    g.length = words;
    g.sampling.greedy = true;
    Rng rng(0);
    return prime + sample::generate(*m.net, *m.tokenizer, m.tokenizer->encode(prime, "prime"), 0, g,
                                    rng, [](std::string_view) {});
  };
  EXPECT_EQ(greedy("경마장에", 4), "경마장에 있는 말이 뛰고 있다");
  EXPECT_EQ(greedy("그의", 2), "그의 말이 법이다");
  EXPECT_EQ(greedy("가는", 5), "가는 말이 고와야 오는 말이 곱다");
}

}  // namespace
}  // namespace rnngen
