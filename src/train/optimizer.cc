#include "train/optimizer.h"

#include <cmath>
#include <sstream>

#include "rnngen/error.h"

namespace rnngen {
namespace {

// Below this many parameters a parallel region costs more than the loop. Every loop here is
// element-wise, so the result does not depend on the thread count.
constexpr size_t kParallelMin = size_t{1} << 16;

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

  void step(float* p, const float* g, double lr) override {
    const float wd = static_cast<float>(o_.weight_decay);
    const float mom = static_cast<float>(o_.momentum);
    const float keep = static_cast<float>(1.0 - o_.dampening);
    const float neg_lr = static_cast<float>(-lr);
    const bool first = steps_ == 0;  // PyTorch's buffer is still None: it becomes a copy of d
    const bool nesterov = o_.nesterov;
    float* buf = buf_ ? buf_->data() : nullptr;
    const size_t n = n_;
#pragma omp parallel for simd schedule(static) if (n >= kParallelMin)
    for (size_t i = 0; i < n; ++i) {
      float d = g[i];
      if (wd != 0) d = d + wd * p[i];
      if (buf) {
        buf[i] = first ? d : buf[i] * mom + keep * d;
        d = nesterov ? d + mom * buf[i] : buf[i];
      }
      p[i] = p[i] + neg_lr * d;
    }
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

  void step(float* p, const float* g, double lr) override {
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
#pragma omp parallel for simd schedule(static) if (n >= kParallelMin)
    for (size_t i = 0; i < n; ++i) {
      if (decoupled) p[i] = p[i] * decay;  // AdamW shrinks the weights before anything else
      float gi = g[i];
      if (l2 != 0) gi = gi + l2 * p[i];
      m[i] = m[i] * b1 + one_b1 * gi;
      v[i] = v[i] * b2 + one_b2 * gi * gi;
      float second = v[i];
      if (vmax) second = vmax[i] = std::fmax(vmax[i], v[i]);
      const float denom = std::sqrt(second) / bc2_sqrt + eps;  // eps after the bias correction
      p[i] = p[i] + neg_step * (m[i] / denom);
    }
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

  void step(float* p, const float* g, double lr) override {
    ++steps_;
    if (o_.flavor == RmspropFlavor::kKeras)
      step_keras(p, g, lr);
    else
      step_pytorch(p, g, lr);
  }

 private:
  void step_pytorch(float* p, const float* g, double lr) {
    const float a = static_cast<float>(o_.alpha), one_a = static_cast<float>(1.0 - o_.alpha);
    const float eps = static_cast<float>(o_.eps), mom = static_cast<float>(o_.momentum);
    const float wd = static_cast<float>(o_.weight_decay), neg_lr = static_cast<float>(-lr);
    float* sq = sq_->data();
    float* buf = buf_ ? buf_->data() : nullptr;
    float* gavg = gavg_ ? gavg_->data() : nullptr;
    const size_t n = n_;
#pragma omp parallel for simd schedule(static) if (n >= kParallelMin)
    for (size_t i = 0; i < n; ++i) {
      float gi = g[i];
      if (wd != 0) gi = gi + wd * p[i];
      sq[i] = sq[i] * a + one_a * gi * gi;
      float avg;
      if (gavg) {
        gavg[i] = gavg[i] * a + one_a * gi;
        avg = std::sqrt(sq[i] + -1.0f * gavg[i] * gavg[i]);
      } else {
        avg = std::sqrt(sq[i]);
      }
      avg = avg + eps;  // PyTorch: eps outside the sqrt
      if (buf) {
        buf[i] = buf[i] * mom + gi / avg;
        p[i] = p[i] + neg_lr * buf[i];
      } else {
        p[i] = p[i] + neg_lr * (gi / avg);
      }
    }
  }

  void step_keras(float* p, const float* g, double lr) {
    const float r = static_cast<float>(o_.alpha), one_r = static_cast<float>(1.0 - o_.alpha);
    const float eps = static_cast<float>(o_.eps), mom = static_cast<float>(o_.momentum);
    const float wd = static_cast<float>(o_.weight_decay), lrf = static_cast<float>(lr);
    float* v = sq_->data();
    float* buf = buf_ ? buf_->data() : nullptr;
    float* gavg = gavg_ ? gavg_->data() : nullptr;
    const size_t n = n_;
#pragma omp parallel for simd schedule(static) if (n >= kParallelMin)
    for (size_t i = 0; i < n; ++i) {
      // Keras 3 applies weight decay decoupled, before the update: var -= var * wd * lr.
      if (wd != 0) p[i] = p[i] - p[i] * wd * lrf;
      const float gi = g[i];
      v[i] = r * v[i] + one_r * (gi * gi);
      float denom;
      if (gavg) {
        gavg[i] = r * gavg[i] + one_r * gi;
        denom = v[i] - gavg[i] * gavg[i] + eps;
      } else {
        denom = v[i] + eps;  // Keras: eps inside the sqrt
      }
      const float inc = (lrf * gi) / std::sqrt(denom);
      if (buf) {
        buf[i] = mom * buf[i] + inc;
        p[i] = p[i] - buf[i];
      } else {
        p[i] = p[i] - inc;
      }
    }
  }

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
