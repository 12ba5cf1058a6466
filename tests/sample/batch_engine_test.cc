// BatchEngine (continuous batching) against continue_from() run on each stream alone, the
// path of `rnngen sample`: streams with different seeds, primes, temperatures, top-k/top-p,
// stop strings and lengths, joining the batch at different steps and one leaving early, give
// the same text, the same token ids and bitwise the same logits at every token, for every cell,
// each kind of layer-0 input and the fp32, bf16 and int8 weight formats.
#include "sample/batch_engine.h"

#include <gtest/gtest.h>

#include <cstring>

#include "isa_paths.h"
#include "models/init.h"
#include "text/char_tokenizer.h"

namespace rnngen::sample {
namespace {

struct Case {
  const char* cell;
  int embed, hidden, layers;
  models::WeightFormat fmt;
};

struct Seen {
  std::string text;
  std::vector<int32_t> ids;
  std::vector<std::vector<float>> logits;
};

// A small network of the case's shape over a char tokenizer, its weights drawn from seed 3.
struct TinyModel {
  explicit TinyModel(const Case& c)
      : tok(text::CharTokenizer::build(
            "ROMEO: But soft, what light through yonder window breaks?\nJULIET: Ay me!\n")),
        cfg(config(c, tok)),
        net(cfg) {
    Rng init(3);
    models::init_params(cfg, net.table(), models::parse_init("uniform:0.8"), init, net.params());
  }
  static ModelConfig config(const Case& c, const text::CharTokenizer& tok) {
    ModelConfig cfg;
    cfg.cell = c.cell;
    cfg.vocab_size = tok.vocab_size();
    cfg.embed_size = c.embed;
    cfg.hidden_size = c.hidden;
    cfg.num_layers = c.layers;
    return cfg;
  }
  const text::CharTokenizer tok;
  const ModelConfig cfg;
  models::RnnLm<float> net;
};

void check(const Case& c) {
  TinyModel m(c);
  const text::CharTokenizer& tok = m.tok;
  const ModelConfig& cfg = m.cfg;
  models::RnnLm<float>& net = m.net;

  const char* primes[] = {"ROMEO:", "J", "", "But soft", "Ay me!\n"};
  std::vector<StreamJob> jobs;
  for (int i = 0; i < 9; ++i) {
    StreamJob j;
    j.prime_ids = tok.encode(primes[i % 5], "prime");
    j.rng = Rng(100 + i);
    j.opts.length = 20 + 7 * i;
    j.opts.weights = c.fmt;
    j.opts.sampling.temperature = 0.5 + 0.15 * i;
    if (i % 3 == 1) j.opts.sampling.top_k = 5;
    if (i % 3 == 2) j.opts.sampling.top_p = 0.8;
    if (i == 4) j.opts.sampling.greedy = true;
    if (i == 6) j.opts.stop = "e";
    const int32_t start = tok.find("\n");
    j.primed = prime(j.prime_ids, start);
    j.want_logits = true;
    jobs.push_back(std::move(j));
  }

  // Alone: continue_from with a stepper of its own, as `rnngen sample` runs it.
  std::vector<Seen> alone(jobs.size());
  for (size_t i = 0; i < jobs.size(); ++i) {
    models::LmStepper stepper(net, c.fmt);
    Rng rng = jobs[i].rng;
    Seen& r = alone[i];
    r.text = continue_from(stepper, tok, cfg.vocab_size, jobs[i].prime_ids, jobs[i].primed, jobs[i].opts, rng,
                           [](std::string_view) { return true; }, nullptr, [&](int32_t id, const float* lg) {
                             r.ids.push_back(id);
                             r.logits.emplace_back(lg, lg + cfg.vocab_size);
                           });
  }

  // Batched: five streams join at once, four more after the first token, one of the first
  // five leaves after 5 tokens.
  BatchEngine engine(net, tok, c.fmt);
  std::vector<StreamJob> first(jobs.begin(), jobs.begin() + 5), later(jobs.begin() + 5, jobs.end());
  std::vector<std::shared_ptr<BatchStream>> streams = engine.submit(first);
  std::vector<Seen> got(jobs.size());
  auto take = [&](size_t i, int max_tokens) {
    StreamEvent e;
    int n = 0;
    while (n < max_tokens && streams[i]->next(e)) {
      got[i].text += e.piece;
      if (e.id < 0) continue;
      got[i].ids.push_back(e.id);
      got[i].logits.push_back(e.logits);
      ++n;
    }
  };
  take(0, 1);
  for (auto& s : engine.submit(later)) streams.push_back(s);
  take(3, 5);
  streams[3]->cancel();
  for (size_t i = 0; i < streams.size(); ++i) {
    if (i != 3) take(i, 1 << 30);
  }
  EXPECT_GE(engine.peak_batch(), 5);
  // One more after all have ended: its row held a stream that left, and it starts from zero.
  streams.push_back(engine.submit(jobs[1]));
  got.emplace_back();
  alone.push_back(alone[1]);
  take(jobs.size(), 1 << 30);

  for (size_t i = 0; i < streams.size(); ++i) {
    SCOPED_TRACE("stream " + std::to_string(i));
    const size_t n = i == 3 ? 5 : alone[i].ids.size();
    ASSERT_EQ(got[i].ids.size(), n);
    if (i != 3) {
      EXPECT_EQ(got[i].text, alone[i].text);
    }
    for (size_t t = 0; t < n; ++t) {
      ASSERT_EQ(got[i].ids[t], alone[i].ids[t]) << "token " << t;
      ASSERT_EQ(std::memcmp(got[i].logits[t].data(), alone[i].logits[t].data(), cfg.vocab_size * sizeof(float)), 0)
          << "logits of token " << t << " differ";
    }
  }
}

std::string case_name(const ::testing::TestParamInfo<Case>& i) {
  static const char* fmt[] = {"fp32", "bf16", "int8"};
  return std::string(i.param.cell) + "_e" + std::to_string(i.param.embed) + "_h" + std::to_string(i.param.hidden) +
         "_l" + std::to_string(i.param.layers) + "_" + fmt[static_cast<int>(i.param.fmt)];
}

class Batching : public ::testing::TestWithParam<Case> {};

TEST_P(Batching, EveryStreamIsWhatItIsAlone) {
  for_each_isa([] { check(GetParam()); });
}

using WF = models::WeightFormat;
INSTANTIATE_TEST_SUITE_P(
    Cells, Batching,
    ::testing::Values(Case{"lstm", 8, 24, 2, WF::kF32},      // embedding folded into a gathered table
                      Case{"lstm", 8, 24, 2, WF::kBf16}, Case{"lstm", 8, 24, 2, WF::kInt8},
                      Case{"gru", 0, 13, 2, WF::kF32},        // one-hot input, odd width
                      Case{"gru", 0, 13, 2, WF::kBf16},
                      Case{"rnn", 40, 13, 1, WF::kF32},       // embedding copied into x
                      Case{"rnn_relu", 40, 19, 2, WF::kF32},
                      Case{"lstm", 16, 70, 1, WF::kF32}),
    case_name);

// A coalescing stream (what the server asks for): next_all() hands over every event that is
// ready, in order, and the consumer is not woken for every token. The text and ids are those of
// the stream alone; a 400-token stream of this small model comes in far fewer than 400 wake-ups
// (the first token, then at most one every kWakeInterval, then the last).
TEST(Coalescing, NextAllTakesTheReadyEventsInOrder) {
  TinyModel m(Case{"lstm", 8, 24, 2, models::WeightFormat::kF32});
  const text::CharTokenizer& tok = m.tok;
  const ModelConfig& cfg = m.cfg;
  models::RnnLm<float>& net = m.net;

  StreamJob job;
  job.prime_ids = tok.encode("ROMEO:", "prime");
  job.rng = Rng(7);
  job.opts.length = 400;
  job.primed = prime(job.prime_ids, tok.find("\n"));
  job.coalesce = true;

  models::LmStepper stepper(net, models::WeightFormat::kF32);
  Rng rng = job.rng;
  std::vector<int32_t> want;
  const std::string want_text =
      continue_from(stepper, tok, cfg.vocab_size, job.prime_ids, job.primed, job.opts, rng,
                    [](std::string_view) { return true; }, nullptr, [&](int32_t id, const float*) { want.push_back(id); });

  BatchEngine engine(net, tok, models::WeightFormat::kF32);
  const std::shared_ptr<BatchStream> s = engine.submit(job);
  std::vector<StreamEvent> ready;
  std::vector<int32_t> ids;
  std::string text;
  int calls = 0;
  while (s->next_all(ready)) {
    ++calls;
    ASSERT_FALSE(ready.empty());
    for (const StreamEvent& e : ready) {
      if (e.id >= 0) ids.push_back(e.id);
      text += e.piece;
    }
  }
  EXPECT_EQ(ids, want);
  EXPECT_EQ(text, want_text);
  EXPECT_LT(calls, 100) << "the consumer was woken for most tokens";
}

}  // namespace
}  // namespace rnngen::sample
