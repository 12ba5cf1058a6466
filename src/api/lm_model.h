// rnngen::Model for a language model directory (task "lm"): the CLI's sample and eval logic
// behind the public API.
#pragma once
#include <map>
#include <mutex>
#include <vector>

#include "models/lm_step.h"
#include "sample/batch_engine.h"

#include "models/model_dir.h"
#include "rnngen/model.h"

namespace rnngen::api {

class TokenizerHandle final : public Tokenizer {
 public:
  explicit TokenizerHandle(const text::Tokenizer& tok) : tok_(tok) {}
  std::string type() const override { return tok_.type(); }
  int vocab_size() const override { return tok_.vocab_size(); }
  std::vector<int32_t> encode(std::string_view text) const override;
  std::string decode(const std::vector<int32_t>& ids) const override;
  std::string token(int32_t id) const override;

 private:
  const text::Tokenizer& tok_;
};

class LmModel final : public Model {
 public:
  LmModel(std::string dir, models::LoadedModel m);
  std::string task() const override { return "lm"; }
  std::string config_json() const override;
  const Tokenizer& tokenizer() const override { return tokenizer_; }
  std::string dir() const override { return dir_; }
  Generation generate(const GenerateRequest& request, const TextSink& sink) const override;
  int check(const GenerateRequest& request) const override;
  TextScore score(std::string_view text) const override;
  HiddenStates hidden_states(std::string_view text, int top) const override;

 private:
  std::string dir_;
  models::LoadedModel m_;
  TokenizerHandle tokenizer_;
  // One continuous-batching engine per weight format, made on first use: every generation
  // running at once steps in its batch (sample/batch_engine.h), with each stream's text what
  // it would be alone.
  sample::BatchEngine& engine(models::WeightFormat fmt) const;
  mutable std::mutex engines_mu_;
  mutable std::map<models::WeightFormat, std::unique_ptr<sample::BatchEngine>> engines_;

  // RnnLm::forward (window scoring) writes the network's activation buffers: one
  // caller at a time. Token-by-token steps only read the weights and run without it.
  mutable std::mutex forward_mu_;
};

}  // namespace rnngen::api
