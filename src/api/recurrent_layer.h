// SimpleRNN / LSTM / GRU behind the public handles: one layers::Recurrent<float> over a
// batch-major input. x [B,T,D] is turned time-major for the kernel and the outputs back.
#pragma once
#include "api/layer_impl.h"
#include "api/recurrent_params.h"

namespace rnngen::api {

class RecurrentLayerImpl : public LayerImpl {
 public:
  explicit RecurrentLayerImpl(RecurrentSpec spec);

  std::string class_name() const override { return spec_.class_name; }
  Shape build(const Shape& input_shape) override;
  int64_t param_count(Convention c) const override;
  LayerOutput call(const Tensor& x) override;
  std::vector<Tensor> get_weights(Convention c) const override;
  void set_weights(const std::vector<Tensor>& weights, Convention c) override;

  const RecurrentSpec& spec() const { return spec_; }

 private:
  RecurrentSpec spec_;
  RecurrentParams params_;
  Rng rng_;
};

// The input dimension of a [B, T, D] shape, with errors naming the layer.
int recurrent_input_dim(const Shape& input_shape, const std::string& who);

}  // namespace rnngen::api
