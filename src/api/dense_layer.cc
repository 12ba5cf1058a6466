// Keras's Dense behind the public handle: layers::linear_forward over the last axis, then the
// activation. W is stored as PyTorch's [units, in]; Keras's kernel is its transpose.
#include <algorithm>
#include <cmath>
#include <memory>

#include "api/init.h"
#include "api/layer_impl.h"
#include "layers/linear.h"
#include "ops/activations.h"
#include "rnngen/error.h"

namespace rnngen::api {

class DenseImpl : public LayerImpl {
 public:
  DenseImpl(int units, DenseOptions o)
      : LayerImpl(unique_name("dense", o.name)),
        units_(units),
        options_(std::move(o)),
        rng_(options_.seed ? options_.seed : next_seed()) {
    if (units <= 0) throw InputError(name_ + ": units must be positive");
    const auto& a = options_.activation;
    if (a != "linear" && a != "sigmoid" && a != "softmax" && a != "tanh" && a != "relu")
      throw InputError(name_ + ": unknown activation \"" + a + "\"");
  }

  std::string class_name() const override { return "Dense"; }

  Shape build(const Shape& s) override {
    if (s.size() < 2 || s.back() <= 0)
      throw InputError(name_ + ": needs an input of rank >= 2 with a known last axis, got " +
                       format_shape(s));
    const int in = static_cast<int>(s.back());
    if (!built_) {
      in_ = in;
      Tensor kernel({in, units_}), bias({units_});
      init_fill(options_.kernel_initializer, in, units_, rng_, kernel.data());
      init_fill(options_.bias_initializer, 1, units_, rng_, bias.data());
      set_weights({kernel, bias}, Convention::Keras);
      built_ = true;
    } else if (in != in_) {
      throw InputError(name_ + ": built for " + std::to_string(in_) + " inputs, got " +
                       format_shape(s));
    }
    Shape out = s;
    out.back() = units_;
    return out;
  }

  int64_t param_count(Convention) const override {
    if (!built_) throw InputError(name_ + ": not built yet (call build() or the layer first)");
    return static_cast<int64_t>(in_) * units_ + units_;
  }

  LayerOutput call(const Tensor& x) override {
    Shape out_shape = build(x.shape());
    const int n = static_cast<int>(x.size() / in_);
    LayerOutput out;
    out.output = Tensor(out_shape);
    float* y = out.output.data();
    layers::linear_forward(n, in_, units_, x.data(), w_.data(), b_.data(), y);
    activate(n, y);
    return out;
  }

  std::vector<Tensor> get_weights(Convention c) const override {
    if (!built_) return {};
    if (c == Convention::PyTorch) return {Tensor({units_, in_}, w_), Tensor({units_}, b_)};
    Tensor kernel({in_, units_});
    for (int o = 0; o < units_; ++o)
      for (int i = 0; i < in_; ++i) kernel[static_cast<int64_t>(i) * units_ + o] = w_[static_cast<size_t>(o) * in_ + i];
    return {kernel, Tensor({units_}, b_)};
  }

  void set_weights(const std::vector<Tensor>& w, Convention c) override {
    if (w.size() != 2) throw InputError(name_ + ".set_weights: expects 2 tensors (kernel, bias)");
    const int in = in_ ? in_ : static_cast<int>(c == Convention::Keras ? w[0].dim(0) : w[0].dim(1));
    in_ = in;
    w_.resize(static_cast<size_t>(units_) * in);
    if (c == Convention::PyTorch) {
      expect_shape(w[0], {units_, in}, name_ + " weight");
      w_ = w[0].values();
    } else {
      expect_shape(w[0], {in, units_}, name_ + " kernel");
      for (int o = 0; o < units_; ++o)
        for (int i = 0; i < in; ++i) w_[static_cast<size_t>(o) * in + i] = w[0][static_cast<int64_t>(i) * units_ + o];
    }
    expect_shape(w[1], {units_}, name_ + " bias");
    b_ = w[1].values();
  }

 private:
  void activate(int n, float* y) const {
    const auto& a = options_.activation;
    const size_t total = static_cast<size_t>(n) * units_;
    if (a == "sigmoid") {
      for (size_t k = 0; k < total; ++k) y[k] = ops::sigmoid(y[k]);
    } else if (a == "tanh") {
      for (size_t k = 0; k < total; ++k) y[k] = std::tanh(y[k]);
    } else if (a == "relu") {
      for (size_t k = 0; k < total; ++k) y[k] = std::max(y[k], 0.0f);
    } else if (a == "softmax") {
      for (int r = 0; r < n; ++r) {
        float* row = y + static_cast<size_t>(r) * units_;
        const float mx = *std::max_element(row, row + units_);
        double sum = 0;
        for (int j = 0; j < units_; ++j) sum += std::exp(static_cast<double>(row[j] - mx));
        for (int j = 0; j < units_; ++j) row[j] = static_cast<float>(std::exp(static_cast<double>(row[j] - mx)) / sum);
      }
    }
  }

  int units_;
  int in_ = 0;
  DenseOptions options_;
  Rng rng_;
  std::vector<float> w_, b_;  // [units, in], [units]
};

}  // namespace rnngen::api

namespace rnngen {

static DenseOptions with_activation(std::string activation) {
  DenseOptions o;
  o.activation = std::move(activation);
  return o;
}

Dense::Dense(int units, std::string activation) : Dense(units, with_activation(std::move(activation))) {}

Dense::Dense(int units, DenseOptions options)
    : Layer(std::make_shared<api::DenseImpl>(units, std::move(options))) {}

}  // namespace rnngen
