#include "train/optimizer.h"

#include <algorithm>
#include <cmath>
#include <sstream>
#include <type_traits>

#include "ops/parallel.h"
#include "rnngen/error.h"

namespace rnngen {
namespace {

// Below this many parameters a parallel region costs more than the loop. Every loop here is
// element-wise, so the result does not depend on the thread count.
constexpr size_t kParallelMin = size_t{1} << 16;

// Calls f(std::bool_constant<b>...) for the run-time flags b, so each combination gets a loop of
// its own without branches inside: GCC would not vectorise the loops with the flags tested per
// element (the Adam update ran scalar, 13-14% of a PTB-small training step under perf).
template <typename F>
void with_flags(F&& f) {
  f();
}
template <typename F, typename... Rest>
void with_flags(F&& f, bool b, Rest... rest) {
  if (b) with_flags([&](auto... c) { f(std::true_type{}, c...); }, rest...);
  else with_flags([&](auto... c) { f(std::false_type{}, c...); }, rest...);
}

// f(lo, hi) over [0, n), split among the OpenMP threads when n >= kParallelMin (ops::parallel_rows
// over chunks of 4096 elements; a work of 0 keeps it on one thread). The loops are
// element-wise: results do not depend on the split.
template <typename F>
void for_ranges(size_t n, F&& f) {
  constexpr size_t kChunk = 4096;
  static_assert(kParallelMin >= ops::kMinParallelWork, "parallel_rows must not veto a split we want");
  const int chunks = static_cast<int>((n + kChunk - 1) / kChunk);
  ops::parallel_rows(chunks, n >= kParallelMin ? kChunk : 0, [&](int c0, int c1) {
    f(static_cast<size_t>(c0) * kChunk, std::min(n, static_cast<size_t>(c1) * kChunk));
  });
}

// The update loops live in functions of their own, with restrict pointers and the scalars as
// local values: inside a lambda under an OpenMP region GCC kept them scalar.
template <bool kWd, bool kBuf, bool kNesterov>
void sgd_range(size_t lo, size_t hi, float* __restrict p, const float* __restrict g,
               float* __restrict buf, float wd, float mom, float keep, float neg_lr, bool first,
               float gs) {
#pragma omp simd
  for (size_t i = lo; i < hi; ++i) {
    float d = g[i] * gs;
    if constexpr (kWd) d = std::fma(wd, p[i], d);  // explicit: GCC would fuse g * gs instead
    if constexpr (kBuf) {
      const float b = first ? d : buf[i] * mom + keep * d;
      buf[i] = b;
      d = kNesterov ? d + mom * b : b;
    }
    p[i] = p[i] + neg_lr * d;
  }
}

struct AdamScalars {
  float decay, l2, b1, one_b1, b2, one_b2, bc2_sqrt, eps, neg_step, gs;
};

template <bool kDecoupled, bool kL2, bool kMax>
void adam_range(size_t lo, size_t hi, float* __restrict p, const float* __restrict g,
                float* __restrict m, float* __restrict v, float* __restrict vmax, const AdamScalars s) {
  const float decay = s.decay, l2 = s.l2, b1 = s.b1, one_b1 = s.one_b1, b2 = s.b2, one_b2 = s.one_b2;
  const float bc2_sqrt = s.bc2_sqrt, eps = s.eps, neg_step = s.neg_step, gs = s.gs;
#pragma omp simd
  for (size_t i = lo; i < hi; ++i) {
    float pi = p[i];
    if constexpr (kDecoupled) pi = pi * decay;  // AdamW shrinks the weights before anything else
    float gi = g[i] * gs;
    if constexpr (kL2) gi = std::fma(l2, pi, gi);  // explicit, as in sgd_range
    const float mi = m[i] * b1 + one_b1 * gi;
    const float vi = v[i] * b2 + one_b2 * gi * gi;
    m[i] = mi;
    v[i] = vi;
    float second = vi;
    if constexpr (kMax) vmax[i] = second = std::fmax(vmax[i], vi);
    const float denom = std::sqrt(second) / bc2_sqrt + eps;  // eps after the bias correction
    p[i] = pi + neg_step * (mi / denom);
  }
}

struct RmspropScalars {
  float a, one_a, eps, mom, wd, lr, gs;
};

// PyTorch's RMSprop: eps outside the sqrt.
template <bool kWd, bool kCentered, bool kBuf>
void rmsprop_torch_range(size_t lo, size_t hi, float* __restrict p, const float* __restrict g,
                         float* __restrict sq, float* __restrict gavg, float* __restrict buf,
                         const RmspropScalars s) {
  const float a = s.a, one_a = s.one_a, eps = s.eps, mom = s.mom, wd = s.wd, neg_lr = -s.lr;
  const float gs = s.gs;
#pragma omp simd
  for (size_t i = lo; i < hi; ++i) {
    float gi = g[i] * gs;
    if constexpr (kWd) gi = std::fma(wd, p[i], gi);  // explicit, as in sgd_range
    const float sqi = sq[i] * a + one_a * gi * gi;
    sq[i] = sqi;
    float avg;
    if constexpr (kCentered) {
      const float ga = gavg[i] * a + one_a * gi;
      gavg[i] = ga;
      avg = std::sqrt(sqi + -1.0f * ga * ga);
    } else {
      avg = std::sqrt(sqi);
    }
    avg = avg + eps;
    if constexpr (kBuf) {
      const float b = buf[i] * mom + gi / avg;
      buf[i] = b;
      p[i] = p[i] + neg_lr * b;
    } else {
      p[i] = p[i] + neg_lr * (gi / avg);
    }
  }
}

// Keras 3's RMSprop: eps inside the sqrt, weight decay decoupled and applied first.
template <bool kWd, bool kCentered, bool kBuf>
void rmsprop_keras_range(size_t lo, size_t hi, float* __restrict p, const float* __restrict g,
                         float* __restrict v, float* __restrict gavg, float* __restrict buf,
                         const RmspropScalars s) {
  const float r = s.a, one_r = s.one_a, eps = s.eps, mom = s.mom, wd = s.wd, lrf = s.lr;
  const float gs = s.gs;
#pragma omp simd
  for (size_t i = lo; i < hi; ++i) {
    float pi = p[i];
    if constexpr (kWd) pi = pi - pi * wd * lrf;  // var -= var * wd * lr
    const float gi = g[i] * gs;
    const float vi = r * v[i] + one_r * (gi * gi);
    v[i] = vi;
    float denom;
    if constexpr (kCentered) {
      const float ga = r * gavg[i] + one_r * gi;
      gavg[i] = ga;
      denom = vi - ga * ga + eps;
    } else {
      denom = vi + eps;
    }
    const float inc = (lrf * gi) / std::sqrt(denom);
    if constexpr (kBuf) {
      const float b = mom * buf[i] + inc;
      buf[i] = b;
      p[i] = pi - b;
    } else {
      p[i] = pi - inc;
    }
  }
}

std::string num(double v) {
  std::ostringstream os;
  os << v;
  return os.str();
}

void require(bool ok, const std::string& optimizer, const char* option, const char* rule, double v) {
  if (!ok)
    throw InputError("--optimizer " + optimizer + ": " + option + " must be " + rule + ", got " +
                     num(v));
}

class Sgd final : public Optimizer {
 public:
  Sgd(const SgdOptions& o, size_t n) : Optimizer(n), o_(o) {
    require(o.momentum >= 0, "sgd", "momentum", ">= 0", o.momentum);
    require(o.weight_decay >= 0, "sgd", "weight_decay", ">= 0", o.weight_decay);
    if (o.nesterov && (o.momentum <= 0 || o.dampening != 0))
      throw InputError("--optimizer sgd: nesterov needs momentum > 0 and dampening 0");
    if (o.momentum != 0) buf_ = &add_state("momentum_buffer");
  }
  std::string name() const override { return "sgd"; }

  void step(float* p, const float* g, double lr, float gs) override {
    const float wd = static_cast<float>(o_.weight_decay);
    const float mom = static_cast<float>(o_.momentum);
    const float keep = static_cast<float>(1.0 - o_.dampening);
    const float neg_lr = static_cast<float>(-lr);
    const bool first = steps_ == 0;  // PyTorch's buffer is still None: it becomes a copy of d
    const bool nesterov = o_.nesterov;
    float* buf = buf_ ? buf_->data() : nullptr;
    const size_t n = n_;
    with_flags([&](auto has_wd, auto has_buf, auto is_nesterov) {
      for_ranges(n, [&](size_t lo, size_t hi) {
        sgd_range<has_wd(), has_buf(), is_nesterov()>(lo, hi, p, g, buf, wd, mom, keep, neg_lr, first,
                                                      gs);
      });
    }, wd != 0, buf != nullptr, nesterov);
    ++steps_;
  }

 private:
  SgdOptions o_;
  std::vector<float>* buf_ = nullptr;
};

class Adam final : public Optimizer {
 public:
  Adam(const AdamOptions& o, size_t n) : Optimizer(n), o_(o) {
    const std::string who = o.decoupled_weight_decay ? "adamw" : "adam";
    require(o.beta1 >= 0 && o.beta1 < 1, who, "beta1", "in [0, 1)", o.beta1);
    require(o.beta2 >= 0 && o.beta2 < 1, who, "beta2", "in [0, 1)", o.beta2);
    require(o.eps >= 0, who, "eps", ">= 0", o.eps);
    require(o.weight_decay >= 0, who, "weight_decay", ">= 0", o.weight_decay);
    m_ = &add_state("exp_avg");
    v_ = &add_state("exp_avg_sq");
    if (o.amsgrad) vmax_ = &add_state("max_exp_avg_sq");
  }
  std::string name() const override { return o_.decoupled_weight_decay ? "adamw" : "adam"; }

  void step(float* p, const float* g, double lr, float gs) override {
    ++steps_;
    // Scalars in double, as torch.optim computes them in Python, then rounded once to float.
    const double t = static_cast<double>(steps_);
    const double bc1 = 1.0 - std::pow(o_.beta1, t);
    const double bc2 = 1.0 - std::pow(o_.beta2, t);
    const float neg_step = static_cast<float>(-(lr / bc1));
    const float bc2_sqrt = static_cast<float>(std::sqrt(bc2));
    const float decay = static_cast<float>(1.0 - lr * o_.weight_decay);
    const float l2 = o_.decoupled_weight_decay ? 0.0f : static_cast<float>(o_.weight_decay);
    const bool decoupled = o_.decoupled_weight_decay;
    const float b1 = static_cast<float>(o_.beta1), one_b1 = static_cast<float>(1.0 - o_.beta1);
    const float b2 = static_cast<float>(o_.beta2), one_b2 = static_cast<float>(1.0 - o_.beta2);
    const float eps = static_cast<float>(o_.eps);
    float* m = m_->data();
    float* v = v_->data();
    float* vmax = vmax_ ? vmax_->data() : nullptr;
    const size_t n = n_;
    const AdamScalars sc{decay, l2, b1, one_b1, b2, one_b2, bc2_sqrt, eps, neg_step, gs};
    with_flags([&](auto is_decoupled, auto has_l2, auto has_max) {
      for_ranges(n, [&](size_t lo, size_t hi) {
        adam_range<is_decoupled(), has_l2(), has_max()>(lo, hi, p, g, m, v, vmax, sc);
      });
    }, decoupled, l2 != 0, vmax != nullptr);
  }

 private:
  AdamOptions o_;
  std::vector<float>* m_ = nullptr;
  std::vector<float>* v_ = nullptr;
  std::vector<float>* vmax_ = nullptr;
};

class Rmsprop final : public Optimizer {
 public:
  Rmsprop(const RmspropOptions& o, size_t n) : Optimizer(n), o_(o) {
    const std::string who = name();
    require(o.alpha >= 0 && o.alpha < 1, who, "alpha", "in [0, 1)", o.alpha);
    require(o.eps >= 0, who, "eps", ">= 0", o.eps);
    require(o.momentum >= 0, who, "momentum", ">= 0", o.momentum);
    require(o.weight_decay >= 0, who, "weight_decay", ">= 0", o.weight_decay);
    const bool keras = o.flavor == RmspropFlavor::kKeras;
    sq_ = &add_state(keras ? "velocity" : "square_avg");
    if (o.momentum > 0) buf_ = &add_state(keras ? "momentum" : "momentum_buffer");
    if (o.centered) gavg_ = &add_state(keras ? "average_gradient" : "grad_avg");
  }
  std::string name() const override {
    return o_.flavor == RmspropFlavor::kKeras ? "rmsprop-keras" : "rmsprop";
  }

  void step(float* p, const float* g, double lr, float gs) override {
    ++steps_;
    const RmspropScalars sc{static_cast<float>(o_.alpha), static_cast<float>(1.0 - o_.alpha),
                            static_cast<float>(o_.eps), static_cast<float>(o_.momentum),
                            static_cast<float>(o_.weight_decay), static_cast<float>(lr), gs};
    float* sq = sq_->data();
    float* buf = buf_ ? buf_->data() : nullptr;
    float* gavg = gavg_ ? gavg_->data() : nullptr;
    with_flags([&](auto keras, auto has_wd, auto centered, auto has_buf) {
      for_ranges(n_, [&](size_t lo, size_t hi) {
        if constexpr (keras())
          rmsprop_keras_range<has_wd(), centered(), has_buf()>(lo, hi, p, g, sq, gavg, buf, sc);
        else
          rmsprop_torch_range<has_wd(), centered(), has_buf()>(lo, hi, p, g, sq, gavg, buf, sc);
      });
    }, o_.flavor == RmspropFlavor::kKeras, o_.weight_decay != 0, gavg != nullptr, buf != nullptr);
  }

 private:
  RmspropOptions o_;
  std::vector<float>* sq_ = nullptr;
  std::vector<float>* buf_ = nullptr;
  std::vector<float>* gavg_ = nullptr;
};

}  // namespace

std::vector<float>& Optimizer::add_state(std::string name) {
  buffers_.emplace_back(std::move(name), std::make_unique<std::vector<float>>(n_, 0.0f));
  return *buffers_.back().second;
}

std::vector<std::pair<std::string, std::vector<float>*>> Optimizer::state() {
  std::vector<std::pair<std::string, std::vector<float>*>> out;
  for (auto& [name, buf] : buffers_) out.emplace_back(name, buf.get());
  return out;
}

OptimizerOptions optimizer_defaults(std::string_view name) {
  if (name == "sgd") return SgdOptions{};
  if (name == "adam") return AdamOptions{};
  if (name == "adamw") return AdamOptions::adamw();
  if (name == "rmsprop") return RmspropOptions{};
  if (name == "rmsprop-keras") return RmspropOptions::keras();
  throw InputError("--optimizer must be one of sgd, adam, adamw, rmsprop, rmsprop-keras, got '" +
                   std::string(name) + "'");
}

std::unique_ptr<Optimizer> make_optimizer(const OptimizerOptions& opts, size_t n) {
  return std::visit(
      [n](const auto& o) -> std::unique_ptr<Optimizer> {
        using T = std::decay_t<decltype(o)>;
        if constexpr (std::is_same_v<T, SgdOptions>) return std::make_unique<Sgd>(o, n);
        else if constexpr (std::is_same_v<T, AdamOptions>) return std::make_unique<Adam>(o, n);
        else return std::make_unique<Rmsprop>(o, n);
      },
      opts);
}

}  // namespace rnngen
