// generate(): every piece handed to the sink, and the whole text, is valid UTF-8 even for a
// vocabulary of 2-, 3- and 4-byte characters sampled at a high temperature from an untrained
// model; the same seed gives the same text.
#include "sample/generate.h"

#include <gtest/gtest.h>

#include "models/init.h"
#include "text/char_tokenizer.h"
#include "text/utf8.h"

namespace rnngen::sample {
namespace {

TEST(Generate, OutputIsAlwaysValidUtf8) {
  const std::string corpus = "\n 가나다라마바사 한국어 소설. Ünïcödé ñ — “quotes” 😀🎉 漢字";
  const text::CharTokenizer tok = text::CharTokenizer::build(corpus);
  ModelConfig cfg;
  cfg.vocab_size = tok.vocab_size();
  cfg.embed_size = 8;
  cfg.hidden_size = 16;
  cfg.num_layers = 1;
  models::RnnLm<float> net(cfg);
  Rng init(4);
  models::init_params(cfg, net.table(), models::parse_init("uniform:1.5"), init, net.params());

  GenerateOptions g;
  g.length = 3000;
  g.sampling.temperature = 1.2;
  const std::vector<int32_t> prime = tok.encode("한국어 ", "prime");
  std::string pieces;
  Rng rng(7);
  const std::string out = generate(net, tok, prime, tok.find("\n"), g, rng, [&](std::string_view piece) {
    EXPECT_NO_THROW(text::validate_utf8(piece, "piece")) << "a piece split a character";
    pieces += piece;
  });
  EXPECT_EQ(out, pieces);
  EXPECT_EQ(text::validate_utf8(out, "generated"), 3000u);  // one code point per char token

  Rng again(7);
  EXPECT_EQ(generate(net, tok, prime, tok.find("\n"), g, again, [](std::string_view) {}), out);
}

}  // namespace
}  // namespace rnngen::sample
