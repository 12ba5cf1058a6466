// Keras's Embedding behind the public handle: a [V, E] table looked up by id. Ids arrive as
// floats in a Tensor (exact for ids below 2^24) and are checked to be integers in range.
#include <algorithm>
#include <cmath>
#include <memory>

#include "api/init.h"
#include "api/layer_impl.h"
#include "rnngen/error.h"

namespace rnngen::api {

class EmbeddingImpl : public LayerImpl {
 public:
  EmbeddingImpl(int input_dim, int output_dim, EmbeddingOptions o)
      : LayerImpl(unique_name("embedding", o.name)), vocab_(input_dim), dim_(output_dim) {
    if (input_dim <= 0 || output_dim <= 0)
      throw InputError(name_ + ": input_dim and output_dim must be positive");
    // The table does not depend on the input shape, so it is made now, as Keras's summary
    // can count it before any input is seen.
    Rng rng(o.seed ? o.seed : next_seed());
    w_.resize(static_cast<size_t>(vocab_) * dim_);
    init_fill(o.embeddings_initializer, vocab_, dim_, rng, w_.data());
  }

  std::string class_name() const override { return "Embedding"; }

  Shape build(const Shape& s) override {
    built_ = true;
    Shape out = s;
    out.push_back(dim_);
    return out;
  }

  int64_t param_count(Convention) const override { return static_cast<int64_t>(vocab_) * dim_; }

  LayerOutput call(const Tensor& ids) override {
    Shape out_shape = build(ids.shape());
    LayerOutput out;
    out.output = Tensor(out_shape);
    for (int64_t k = 0; k < ids.size(); ++k) {
      const float v = ids[k];
      if (v != std::floor(v) || v < 0 || v >= static_cast<float>(vocab_))
        throw InputError(name_ + ": id " + std::to_string(v) + " at flat index " +
                         std::to_string(k) + " is not an integer in [0, " +
                         std::to_string(vocab_) + ")");
      const float* src = w_.data() + static_cast<size_t>(v) * dim_;
      std::copy(src, src + dim_, out.output.data() + k * dim_);
    }
    return out;
  }

  std::vector<Tensor> get_weights(Convention) const override {
    return {Tensor({vocab_, dim_}, w_)};
  }

  void set_weights(const std::vector<Tensor>& w, Convention) override {
    if (w.size() != 1) throw InputError(name_ + ".set_weights: expects 1 tensor (embeddings)");
    expect_shape(w[0], {vocab_, dim_}, name_ + " embeddings");
    w_ = w[0].values();
  }

 private:
  int vocab_, dim_;
  std::vector<float> w_;  // [V, E]
};

}  // namespace rnngen::api

namespace rnngen {

Embedding::Embedding(int input_dim, int output_dim, EmbeddingOptions options)
    : Layer(std::make_shared<api::EmbeddingImpl>(input_dim, output_dim, std::move(options))) {}

}  // namespace rnngen
