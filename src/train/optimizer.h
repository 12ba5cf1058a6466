// Optimizers over one flat parameter buffer and one flat gradient buffer of the same length
// (design principle 3): the state is a few more buffers with that same layout plus a step
// counter, so a checkpoint saves it as named flat arrays and restores it bit-exactly.
//
// Every update follows PyTorch's single-tensor code path (torch.optim, 1.13..2.x): the same
// formulas, the same order of operations, element arithmetic in float with the scalar
// coefficients computed in double as Python does. tests/golden/optimizers.json (made by
// scripts/make_optimizer_golden.py from torch.optim) pins them down.
#pragma once
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

namespace rnngen {

// torch.optim.SGD. The first step with momentum copies the gradient into the buffer (no
// dampening), as PyTorch does.
struct SgdOptions {
  double momentum = 0.0;
  double dampening = 0.0;
  double weight_decay = 0.0;  // L2: grad += wd * param
  bool nesterov = false;      // needs momentum > 0 and dampening == 0
};

// torch.optim.Adam, or torch.optim.AdamW when decoupled_weight_decay is set.
struct AdamOptions {
  double beta1 = 0.9;
  double beta2 = 0.999;
  double eps = 1e-8;          // added to sqrt(v_hat), i.e. after the bias correction of v
  double weight_decay = 0.0;  // Adam: L2 (grad += wd * param); AdamW: param *= 1 - lr * wd
  bool decoupled_weight_decay = false;
  bool amsgrad = false;

  static AdamOptions adamw() {  // PyTorch's AdamW defaults
    AdamOptions o;
    o.weight_decay = 0.01;
    o.decoupled_weight_decay = true;
    return o;
  }
};

// RMSprop in two flavours, which differ only in where eps goes and in the defaults:
//   pytorch (torch.optim.RMSprop):  v = a v + (1-a) g^2;  p -= lr * g / (sqrt(v) + eps)
//                                   alpha 0.99, eps 1e-8
//   keras   (keras.optimizers.RMSprop, Keras 3 and tf.keras 2.x):
//                                   v = r v + (1-r) g^2;  p -= lr * g / sqrt(v + eps)
//                                   rho 0.9, eps 1e-7
// Both start v at zero. (Standalone Keras <= 2.3 put eps outside the sqrt, like PyTorch; the
// current Keras source, keras/src/optimizers/rmsprop.py, puts it inside.) With momentum,
// pytorch: buf = m buf + g / denom, p -= lr * buf; keras: buf = m buf + lr * g / denom,
// p -= buf. Centered subtracts the squared running mean of g inside the sqrt in both.
enum class RmspropFlavor { kPytorch, kKeras };

struct RmspropOptions {
  double alpha = 0.99;  // Keras calls it rho
  double eps = 1e-8;
  double momentum = 0.0;
  double weight_decay = 0.0;  // L2, PyTorch only
  bool centered = false;
  RmspropFlavor flavor = RmspropFlavor::kPytorch;

  static RmspropOptions keras() {
    RmspropOptions o;
    o.alpha = 0.9;
    o.eps = 1e-7;
    o.flavor = RmspropFlavor::kKeras;
    return o;
  }
};

using OptimizerOptions = std::variant<SgdOptions, AdamOptions, RmspropOptions>;

// The defaults behind `--optimizer NAME`: sgd | adam | adamw | rmsprop | rmsprop-keras.
// Throws InputError naming --optimizer for anything else.
OptimizerOptions optimizer_defaults(std::string_view name);

class Optimizer {
 public:
  virtual ~Optimizer() = default;

  // One update of params[0..size()) from grads[0..size()) with learning rate lr (the schedule
  // decides lr; the optimizer keeps none). grads are not modified. grad_scale multiplies each
  // gradient as it is read (float times float, so the update is bit for bit the one from
  // gradients scaled beforehand): gradient clipping's factor, without its own pass over them.
  virtual void step(float* params, const float* grads, double lr, float grad_scale = 1.0f) = 0;

  size_t size() const { return n_; }
  // Updates done so far (PyTorch's state["step"]). Saved and restored with the buffers.
  int64_t steps() const { return steps_; }
  void set_steps(int64_t s) { steps_ = s; }

  // The state as named flat buffers, each size() floats, in a fixed order (e.g. "exp_avg",
  // "exp_avg_sq"); writing into them restores a checkpoint. Names follow torch.optim's state
  // keys. The pointers stay valid for the optimizer's lifetime.
  std::vector<std::pair<std::string, std::vector<float>*>> state();

  // "sgd", "adam", "adamw", "rmsprop", "rmsprop-keras": what a checkpoint records.
  virtual std::string name() const = 0;

 protected:
  explicit Optimizer(size_t n) : n_(n) {}
  std::vector<float>& add_state(std::string name);

  size_t n_;
  int64_t steps_ = 0;

 private:
  // unique_ptr so the vectors' addresses survive growth of this list.
  std::vector<std::pair<std::string, std::unique_ptr<std::vector<float>>>> buffers_;
};

// Validates (InputError with the option's name) and builds the optimizer for n parameters.
std::unique_ptr<Optimizer> make_optimizer(const OptimizerOptions& opts, size_t n);

}  // namespace rnngen
