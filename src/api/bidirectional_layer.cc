// Keras's Bidirectional behind the public handle: layers::Bidirectional<float> over two
// RecurrentParams made from the wrapped layer's spec (Keras likewise rebuilds both directions
// from the wrapped layer's config, so the object passed in is not itself used).
#include <cstring>
#include <memory>

#include "api/layer_impl.h"
#include "api/recurrent_layer.h"
#include "api/recurrent_params.h"
#include "layers/bidirectional.h"
#include "rnngen/error.h"

namespace rnngen::api {

class BidirectionalImpl : public LayerImpl {
 public:
  BidirectionalImpl(const RecurrentSpec& spec, layers::Merge merge)
      : LayerImpl(unique_name("bidirectional")),
        spec_(spec),
        merge_(merge),
        rng_(spec.options.seed ? spec.options.seed : next_seed()) {}

  std::string class_name() const override { return "Bidirectional"; }

  Shape build(const Shape& s) override {
    const int D = recurrent_input_dim(s, name_);
    if (!built_) {
      fwd_.init(spec_, D, rng_);
      bwd_.init(spec_, D, rng_);
      built_ = true;
    } else if (D != fwd_.input_dim()) {
      throw InputError(name_ + ": built for input_dim " + std::to_string(fwd_.input_dim()) +
                       ", got input " + format_shape(s));
    }
    const int64_t O = merged_size();
    return spec_.options.return_sequences ? Shape{s[0], s[1], O} : Shape{s[0], O};
  }

  int64_t param_count(Convention c) const override {
    if (!built_) throw InputError(name_ + ": not built yet (call build() or the layer first)");
    return fwd_.count(c) + bwd_.count(c);
  }

  LayerOutput call(const Tensor& x) override {
    build(x.shape());
    const int B = static_cast<int>(x.dim(0)), T = static_cast<int>(x.dim(1)),
              D = static_cast<int>(x.dim(2)), H = spec_.units, O = merged_size();
    std::vector<float> xt(static_cast<size_t>(x.size()));
    swap_leading_axes(B, T, D, x.data(), xt.data());
    layers::Bidirectional<float> bi(spec_.cell, D, H, merge_);
    bi.forward(fwd_.view(), bwd_.view(), T, B, xt.data(), nullptr, nullptr, nullptr);

    const auto& f = bi.forward_layer();
    const auto& b = bi.backward_layer();
    LayerOutput out;
    if (spec_.options.return_sequences) {
      out.output = Tensor({B, T, O});
      swap_leading_axes(T, B, O, bi.output(), out.output.data());
    } else {
      // The forward direction's last step merged with the backward direction's final state.
      out.output = Tensor({B, O});
      for (int r = 0; r < B; ++r) {
        const float* hf = f.final_h() + static_cast<size_t>(r) * H;
        const float* hb = b.final_h() + static_cast<size_t>(r) * H;
        float* dst = out.output.data() + static_cast<size_t>(r) * O;
        for (int j = 0; j < H; ++j) {
          if (merge_ == layers::Merge::kConcat) {
            dst[j] = hf[j];
            dst[H + j] = hb[j];
          } else {
            dst[j] = hf[j] + hb[j];
          }
        }
      }
    }
    if (spec_.options.return_state) {
      // Keras's order: forward_h, forward_c, backward_h, backward_c (c only for LSTM).
      for (const auto* dir : {&f, &b}) {
        out.states.push_back(copy_state(dir->final_h(), B, H));
        if (spec_.cell == layers::Cell::kLstm) out.states.push_back(copy_state(dir->final_c(), B, H));
      }
    }
    return out;
  }

  std::vector<Tensor> get_weights(Convention c) const override {
    if (!built_) return {};
    auto w = fwd_.get(c);
    for (auto& t : bwd_.get(c)) w.push_back(std::move(t));
    return w;
  }

  void set_weights(const std::vector<Tensor>& w, Convention c) override {
    if (!built_) throw InputError(name_ + ".set_weights: build the layer first");
    if (w.size() % 2 != 0)
      throw InputError(name_ + ".set_weights: expects the forward weights then the backward ones");
    const auto half = static_cast<std::ptrdiff_t>(w.size() / 2);
    fwd_.set({w.begin(), w.begin() + half}, c, name_ + " forward");
    bwd_.set({w.begin() + half, w.end()}, c, name_ + " backward");
  }

 private:
  int merged_size() const { return merge_ == layers::Merge::kConcat ? 2 * spec_.units : spec_.units; }
  static Tensor copy_state(const float* src, int B, int H) {
    Tensor t({B, H});
    std::memcpy(t.data(), src, sizeof(float) * B * H);
    return t;
  }

  RecurrentSpec spec_;
  layers::Merge merge_;
  Rng rng_;
  RecurrentParams fwd_, bwd_;
};

}  // namespace rnngen::api

namespace rnngen {

static layers::Merge merge_from(const std::string& mode) {
  if (mode == "concat") return layers::Merge::kConcat;
  if (mode == "sum") return layers::Merge::kSum;
  throw InputError("Bidirectional: merge_mode must be \"concat\" or \"sum\", got \"" + mode + "\"");
}

static const api::RecurrentSpec& wrapped_spec(const Layer& layer) {
  auto rec = std::dynamic_pointer_cast<api::RecurrentLayerImpl>(layer.impl());
  if (!rec)
    throw InputError("Bidirectional: wraps a SimpleRNN, LSTM or GRU, got " + layer.class_name());
  return rec->spec();
}

Bidirectional::Bidirectional(const Layer& layer, std::string merge_mode)
    : Layer(std::make_shared<api::BidirectionalImpl>(wrapped_spec(layer), merge_from(merge_mode))) {}

}  // namespace rnngen
