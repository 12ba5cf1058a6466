#include "api/recurrent_layer.h"

#include <cstring>

#include "rnngen/error.h"

namespace rnngen::api {

using layers::Cell;

static std::string base_name(const std::string& class_name) {
  if (class_name == "SimpleRNN") return "simple_rnn";
  if (class_name == "LSTM") return "lstm";
  return "gru";
}

RecurrentLayerImpl::RecurrentLayerImpl(RecurrentSpec spec)
    : LayerImpl(unique_name(base_name(spec.class_name), spec.options.name)),
      spec_(std::move(spec)),
      rng_(spec_.options.seed ? spec_.options.seed : next_seed()) {
  if (spec_.units <= 0) throw InputError(name_ + ": units must be positive");
}

int recurrent_input_dim(const Shape& s, const std::string& who) {
  if (s.size() != 3)
    throw InputError(who + ": expects a 3-D input (batch, timesteps, input_dim), got " +
                     format_shape(s));
  if (s[2] <= 0) throw InputError(who + ": the input_dim of " + format_shape(s) + " must be known");
  return static_cast<int>(s[2]);
}

Shape RecurrentLayerImpl::build(const Shape& s) {
  const int D = recurrent_input_dim(s, name_);
  if (!built_) {
    params_.init(spec_, D, rng_);
    built_ = true;
  } else if (D != params_.input_dim()) {
    throw InputError(name_ + ": built for input_dim " + std::to_string(params_.input_dim()) +
                     ", got input " + format_shape(s));
  }
  const int64_t H = spec_.units;
  return spec_.options.return_sequences ? Shape{s[0], s[1], H} : Shape{s[0], H};
}

int64_t RecurrentLayerImpl::param_count(Convention c) const {
  if (!built_) throw InputError(name_ + ": not built yet (call build() or the layer first)");
  return params_.count(c);
}

LayerOutput RecurrentLayerImpl::call(const Tensor& x) {
  build(x.shape());
  const int B = static_cast<int>(x.dim(0)), T = static_cast<int>(x.dim(1)),
            D = static_cast<int>(x.dim(2)), H = spec_.units;
  std::vector<float> xt(static_cast<size_t>(x.size()));
  swap_leading_axes(B, T, D, x.data(), xt.data());
  layers::Recurrent<float> rnn(spec_.cell, D, H);
  rnn.forward(params_.view(), T, B, xt.data(), nullptr, nullptr, nullptr);

  LayerOutput out;
  Tensor h({B, H});
  std::memcpy(h.data(), rnn.final_h(), sizeof(float) * B * H);
  if (spec_.options.return_sequences) {
    out.output = Tensor({B, T, H});
    swap_leading_axes(T, B, H, rnn.output(), out.output.data());
  } else {
    out.output = h;
  }
  if (spec_.options.return_state) {
    out.states.push_back(h);
    if (spec_.cell == Cell::kLstm) {
      Tensor c({B, H});
      std::memcpy(c.data(), rnn.final_c(), sizeof(float) * B * H);
      out.states.push_back(c);
    }
  }
  return out;
}

std::vector<Tensor> RecurrentLayerImpl::get_weights(Convention c) const {
  if (!built_) return {};
  return params_.get(c);
}

void RecurrentLayerImpl::set_weights(const std::vector<Tensor>& w, Convention c) {
  if (!built_) throw InputError(name_ + ".set_weights: build the layer first");
  params_.set(w, c, name_);
}


}  // namespace rnngen::api

namespace rnngen {

using api::RecurrentLayerImpl;
using layers::Cell;

static Cell simple_rnn_cell(const std::string& activation) {
  if (activation == "tanh") return Cell::kRnnTanh;
  if (activation == "relu") return Cell::kRnnRelu;
  throw InputError("SimpleRNN: activation must be \"tanh\" or \"relu\", got \"" + activation + "\"");
}

// LSTM and GRU here always use tanh (and sigmoid gates), the kernels' only choice.
static const RecurrentOptions& tanh_only(const RecurrentOptions& o, const char* cls) {
  if (o.activation != "tanh")
    throw InputError(std::string(cls) + ": only activation \"tanh\" is supported, got \"" +
                     o.activation + "\"");
  return o;
}

SimpleRNN::SimpleRNN(int units, RecurrentOptions o)
    : Layer(std::make_shared<RecurrentLayerImpl>(
          api::RecurrentSpec{simple_rnn_cell(o.activation), units, o, "SimpleRNN"})) {}

LSTM::LSTM(int units, RecurrentOptions o)
    : Layer(std::make_shared<RecurrentLayerImpl>(api::RecurrentSpec{Cell::kLstm, units, tanh_only(o, "LSTM"), "LSTM"})) {}

GRU::GRU(int units, RecurrentOptions o)
    : Layer(std::make_shared<RecurrentLayerImpl>(api::RecurrentSpec{Cell::kGru, units, tanh_only(o, "GRU"), "GRU"})) {}

}  // namespace rnngen
