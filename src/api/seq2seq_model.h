// rnngen::Model for a seq2seq model directory (task "seq2seq"): `rnngen translate` behind the
// public API. generate, check, score and hidden_states are language-model methods: they throw.
#pragma once
#include "api/lm_model.h"
#include "models/model_dir.h"
#include "rnngen/model.h"

namespace rnngen::api {

class Seq2seqModel final : public Model {
 public:
  Seq2seqModel(std::string dir, models::LoadedModel m);
  std::string task() const override { return "seq2seq"; }
  std::string config_json() const override;
  const Tokenizer& tokenizer() const override { return tokenizer_; }
  std::string dir() const override { return dir_; }
  Generation generate(const GenerateRequest& request, const TextSink& sink) const override;
  int check(const GenerateRequest& request) const override;
  TextScore score(std::string_view text) const override;
  HiddenStates hidden_states(std::string_view text, int top) const override;
  std::vector<Translation> translate(const TranslateRequest& request) const override;

 private:
  [[noreturn]] void not_a_language_model(const char* what) const;
  std::string dir_;
  models::LoadedModel m_;
  TokenizerHandle tokenizer_;
};

}  // namespace rnngen::api
