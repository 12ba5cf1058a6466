#include "models/init.h"

#include <cmath>
#include <cstdlib>

#include "rnngen/error.h"

namespace rnngen::models {

InitScheme parse_init(const std::string& spec) {
  InitScheme s;
  if (spec == "pytorch" || spec == "keras") {
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
  throw InputError("--init: expected pytorch, keras or uniform:A with A > 0, got '" + spec + "'");
}

template <typename T>
void init_params(const ModelConfig& cfg, const ParamTable& table, const InitScheme& scheme,
                 Rng& rng, T* params) {
  for (const ParamInfo& p : table.entries()) {
    T* x = params + p.offset;
    if (scheme.kind == "uniform") {
      for (size_t i = 0; i < p.size; ++i) x[i] = static_cast<T>(rng.uniform(-scheme.scale, scheme.scale));
      continue;
    }
    if (p.name == "embedding.weight") {
      if (scheme.kind == "keras")  // Keras Embedding: uniform(-0.05, 0.05)
        for (size_t i = 0; i < p.size; ++i) x[i] = static_cast<T>(rng.uniform(-0.05, 0.05));
      else
        for (size_t i = 0; i < p.size; ++i) x[i] = static_cast<T>(rng.normal());
      continue;
    }
    // Every remaining tensor (RNN weights and biases, decoder Linear(H, V)) has fan-in H.
    double bound = 1.0 / std::sqrt(static_cast<double>(cfg.hidden_size));
    if (scheme.kind == "keras") {
      // Glorot-uniform kernels, zero biases (forget-gate bias 1 for LSTM), as Keras defaults.
      if (p.shape.size() == 2) {
        bound = std::sqrt(6.0 / static_cast<double>(p.shape[0] + p.shape[1]));
      } else {
        for (size_t i = 0; i < p.size; ++i) x[i] = T(0);
        const bool lstm_bias_ih = cfg.cell == "lstm" && p.name.find("bias_ih") != std::string::npos;
        if (lstm_bias_ih)
          for (int j = cfg.hidden_size; j < 2 * cfg.hidden_size; ++j) x[j] = T(1);
        continue;
      }
    }
    for (size_t i = 0; i < p.size; ++i) x[i] = static_cast<T>(rng.uniform(-bound, bound));
  }
}

template void init_params<float>(const ModelConfig&, const ParamTable&, const InitScheme&, Rng&, float*);
template void init_params<double>(const ModelConfig&, const ParamTable&, const InitScheme&, Rng&, double*);

}  // namespace rnngen::models
