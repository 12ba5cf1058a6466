#include "models/init.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <vector>

#include "ops/orthogonal.h"
#include "rnngen/error.h"

namespace rnngen::models {

InitScheme parse_init(const std::string& spec) {
  InitScheme s;
  if (spec == "pytorch" || spec == "keras" || spec == "dlfs2") {
    s.kind = spec;
    return s;
  }
  if (spec.rfind("uniform:", 0) == 0) {
    char* end = nullptr;
    const std::string num = spec.substr(8);
    double a = std::strtod(num.c_str(), &end);
    if (!num.empty() && end && *end == '\0' && std::isfinite(a) && a > 0) {
      s.kind = "uniform";
      s.scale = a;
      return s;
    }
  }
  throw InputError("--init: expected pytorch, keras, dlfs2 or uniform:A with A > 0, got '" + spec + "'");
}

namespace {

template <typename T>
void fill_uniform(T* x, size_t n, double bound, Rng& rng) {
  for (size_t i = 0; i < n; ++i) x[i] = static_cast<T>(rng.uniform(-bound, bound));
}

bool has(const std::string& name, const char* part) { return name.find(part) != std::string::npos; }

// "embedding.weight", "encoder.embedding.weight", ...
bool is_embedding(const std::string& name) {
  const std::string e = "embedding.weight";
  return name.size() >= e.size() && name.compare(name.size() - e.size(), e.size(), e) == 0;
}

// Units of the recurrent layer a tensor belongs to: a seq2seq decoder after a bidirectional
// encoder has twice the configured hidden_size.
int64_t layer_hidden(const ModelConfig& cfg, const ParamInfo& p) {
  const int gates = cfg.cell == "lstm" ? 4 : cfg.cell == "gru" ? 3 : 1;
  return p.shape[0] / gates;
}

// PyTorch's fan-in of a tensor: the layer's units for RNN tensors (1/sqrt(hidden_size)), the
// input width for a Linear weight and its bias.
double fan_in(const ModelConfig& cfg, const ParamTable& table, const ParamInfo& p) {
  if (has(p.name, "rnn.")) return static_cast<double>(layer_hidden(cfg, p));
  if (p.shape.size() == 2) return static_cast<double>(p.shape[1]);
  const size_t at = p.name.rfind("bias");
  if (at != std::string::npos)
    if (const ParamInfo* w = table.find(p.name.substr(0, at) + "weight"); w && w->shape.size() == 2)
      return static_cast<double>(w->shape[1]);
  return static_cast<double>(cfg.hidden_size);
}

// Keras's defaults, tensor by tensor, in PyTorch's layout (contract section 1).
template <typename T>
void init_keras(const ModelConfig& cfg, const ParamInfo& p, Rng& rng, T* x) {
  if (is_embedding(p.name)) {  // Embedding: embeddings_initializer="uniform"
    fill_uniform(x, p.size, 0.05, rng);
    return;
  }
  if (p.shape.size() == 1) {  // every bias: zeros ...
    std::fill(x, x + p.size, T(0));
    // ... but LSTM's unit_forget_bias puts 1 in the forget block (PyTorch gate order i,f,g,o).
    // Keras has one bias, which b_ih + b_hh together stand for; it goes into b_ih.
    if (cfg.cell == "lstm" && has(p.name, "bias_ih")) {
      const int64_t h = layer_hidden(cfg, p);
      std::fill(x + h, x + 2 * h, T(1));
    }
    return;
  }
  if (has(p.name, "weight_hh")) {
    // recurrent_initializer="orthogonal" on Keras's whole recurrent kernel [H, G*H]: its H
    // rows are orthonormal (not each gate's [H, H] block). weight_hh [G*H, H] is that kernel
    // transposed with its gate blocks in PyTorch's order, so its H columns are orthonormal;
    // reordering the blocks (GRU's z,r vs r,z) does not change the distribution.
    std::vector<double> q;
    ops::random_orthogonal(p.shape[0], p.shape[1], rng, q);
    for (size_t i = 0; i < p.size; ++i) x[i] = static_cast<T>(q[i]);
    return;
  }
  // weight_ih and decoder.weight: glorot-uniform. A Keras kernel [in, out] and the PyTorch
  // weight [out, in] have the same fan_in + fan_out.
  fill_uniform(x, p.size, std::sqrt(6.0 / static_cast<double>(p.shape[0] + p.shape[1])), rng);
}

}  // namespace

template <typename T>
void init_params(const ModelConfig& cfg, const ParamTable& table, const InitScheme& scheme,
                 Rng& rng, T* params) {
  for (const ParamInfo& p : table.entries()) {
    T* x = params + p.offset;
    if (scheme.kind == "uniform") {
      fill_uniform(x, p.size, scheme.scale, rng);
    } else if (scheme.kind == "keras") {
      init_keras(cfg, p, rng, x);
    } else if (scheme.kind == "dlfs2") {
      // The book's Rnnlm / BetterRnnlm: embedding randn / 100, every weight randn / sqrt(fan_in)
      // (fan_in = the input size of weight [out, in]), biases zero.
      if (p.shape.size() == 1) {
        std::fill(x, x + p.size, T(0));
      } else {
        const double sd = is_embedding(p.name) ? 0.01 : 1.0 / std::sqrt(static_cast<double>(p.shape[1]));
        for (size_t i = 0; i < p.size; ++i) x[i] = static_cast<T>(sd * rng.normal());
      }
    } else if (is_embedding(p.name)) {
      for (size_t i = 0; i < p.size; ++i) x[i] = static_cast<T>(rng.normal());
    } else {
      // RNN weights and biases U(+-1/sqrt(units)), Linear weight and bias U(+-1/sqrt(in)): for
      // the language model both are hidden_size.
      fill_uniform(x, p.size, 1.0 / std::sqrt(fan_in(cfg, table, p)), rng);
    }
  }
}

template void init_params<float>(const ModelConfig&, const ParamTable&, const InitScheme&, Rng&, float*);
template void init_params<double>(const ModelConfig&, const ParamTable&, const InitScheme&, Rng&, double*);

}  // namespace rnngen::models
