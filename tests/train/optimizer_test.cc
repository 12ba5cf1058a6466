// The optimizers against torch.optim trajectories (tests/golden/optimizers.json, written by
// scripts/make_optimizer_golden.py), plus the Keras RMSprop flavour against its formula and
// checkpoint round trips of the state.
#include "train/optimizer.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "rnngen/error.h"

namespace rnngen {
namespace {

using nlohmann::json;

json load_golden() {
  std::ifstream in(std::string(RNNGEN_SOURCE_DIR) + "/tests/golden/optimizers.json");
  EXPECT_TRUE(in.good()) << "missing tests/golden/optimizers.json";
  return json::parse(in);
}

OptimizerOptions options_for(const json& c) {
  const std::string kind = c.at("optimizer");
  const json& h = c.at("hyper");
  if (kind == "sgd") {
    SgdOptions o;
    o.momentum = h.value("momentum", 0.0);
    o.dampening = h.value("dampening", 0.0);
    o.weight_decay = h.value("weight_decay", 0.0);
    o.nesterov = h.value("nesterov", false);
    return o;
  }
  if (kind == "adam" || kind == "adamw") {
    AdamOptions o = kind == "adamw" ? AdamOptions::adamw() : AdamOptions{};
    o.beta1 = h.value("beta1", o.beta1);
    o.beta2 = h.value("beta2", o.beta2);
    o.eps = h.value("eps", o.eps);
    o.weight_decay = h.value("weight_decay", o.weight_decay);
    o.amsgrad = h.value("amsgrad", false);
    return o;
  }
  EXPECT_EQ(kind, "rmsprop");
  RmspropOptions o;
  o.alpha = h.value("alpha", o.alpha);
  o.eps = h.value("eps", o.eps);
  o.momentum = h.value("momentum", 0.0);
  o.weight_decay = h.value("weight_decay", 0.0);
  o.centered = h.value("centered", false);
  return o;
}

std::vector<float> to_floats(const json& a) {
  std::vector<float> v;
  for (const auto& x : a) v.push_back(static_cast<float>(x.get<double>()));
  return v;
}

// "Within 1e-6 relative", with an absolute floor of 1e-6 for values near zero.
void expect_close(const std::vector<float>& got, const json& want, const std::string& where) {
  ASSERT_EQ(got.size(), want.size()) << where;
  for (size_t i = 0; i < got.size(); ++i) {
    const double w = want[i].get<double>();
    EXPECT_NEAR(got[i], w, 1e-6 * std::max(1.0, std::fabs(w))) << where << " element " << i;
  }
}

TEST(Optimizer, MatchesTorchOptimTrajectories) {
  const json g = load_golden();
  const auto grads = g.at("grads");
  for (const auto& c : g.at("cases")) {
    const std::string name = c.at("name");
    std::vector<float> p = to_floats(g.at("init"));
    auto opt = make_optimizer(options_for(c), p.size());
    const double lr = c.at("hyper").at("lr");
    for (size_t t = 0; t < grads.size(); ++t) {
      const std::vector<float> gt = to_floats(grads[t]);
      opt->step(p.data(), gt.data(), lr);
      expect_close(p, c.at("params")[t], name + " step " + std::to_string(t + 1));
    }
    EXPECT_EQ(opt->steps(), static_cast<int64_t>(grads.size())) << name;
  }
}

TEST(Optimizer, ParallelPathMatchesSerialPath) {
  // The golden vector tiled past the parallel threshold: every copy must follow the same
  // trajectory as the 6-element run, bit for bit (the updates are element-wise).
  const json g = load_golden();
  const auto grads = g.at("grads");
  for (const auto& c : g.at("cases")) {
    const std::vector<float> init = to_floats(g.at("init"));
    const size_t reps = 20000, n = init.size() * reps;
    std::vector<float> small = init, big(n);
    for (size_t i = 0; i < n; ++i) big[i] = init[i % init.size()];
    auto a = make_optimizer(options_for(c), small.size());
    auto b = make_optimizer(options_for(c), n);
    std::vector<float> gbig(n);
    for (const auto& gj : grads) {
      const std::vector<float> gt = to_floats(gj);
      for (size_t i = 0; i < n; ++i) gbig[i] = gt[i % gt.size()];
      a->step(small.data(), gt.data(), 0.01);
      b->step(big.data(), gbig.data(), 0.01);
    }
    for (size_t i = 0; i < n; i += 997)
      ASSERT_EQ(big[i], small[i % small.size()]) << c.at("name") << " element " << i;
  }
}

TEST(Optimizer, StateRoundTripResumesBitExactly) {
  const json g = load_golden();
  const auto grads = g.at("grads");
  for (const auto& c : g.at("cases")) {
    const std::string name = c.at("name");
    const double lr = c.at("hyper").at("lr");
    std::vector<float> straight = to_floats(g.at("init"));
    auto a = make_optimizer(options_for(c), straight.size());
    for (const auto& gj : grads) a->step(straight.data(), to_floats(gj).data(), lr);

    std::vector<float> resumed = to_floats(g.at("init"));
    auto first = make_optimizer(options_for(c), resumed.size());
    for (size_t t = 0; t < 2; ++t) first->step(resumed.data(), to_floats(grads[t]).data(), lr);
    // "Checkpoint": copy the named buffers and the step counter into a fresh optimizer.
    auto second = make_optimizer(options_for(c), resumed.size());
    auto from = first->state(), to = second->state();
    ASSERT_EQ(from.size(), to.size()) << name;
    for (size_t k = 0; k < from.size(); ++k) {
      EXPECT_EQ(from[k].first, to[k].first);
      *to[k].second = *from[k].second;
    }
    second->set_steps(first->steps());
    for (size_t t = 2; t < grads.size(); ++t)
      second->step(resumed.data(), to_floats(grads[t]).data(), lr);
    EXPECT_EQ(std::memcmp(straight.data(), resumed.data(), straight.size() * sizeof(float)), 0)
        << name;
  }
}

// grad_scale (clipping's factor, folded into the update) against gradients multiplied by it
// beforehand, as clip_grad_norm does: every optimizer and option, on more weights than one
// thread's share (the loops split at 65,536), for three steps.
TEST(Optimizer, GradScaleMatchesGradientsScaledBeforehand) {
  const json g = load_golden();
  const size_t n = 70001;
  const float scale = 0.37f;
  for (const auto& c : g.at("cases")) {
    const std::string name = c.at("name");
    const double lr = c.at("hyper").at("lr");
    auto folded = make_optimizer(options_for(c), n), scaled = make_optimizer(options_for(c), n);
    std::vector<float> p(n), q;
    for (size_t i = 0; i < n; ++i) p[i] = static_cast<float>(std::sin(0.01 * i));
    q = p;
    for (int step = 0; step < 3; ++step) {
      std::vector<float> gr(n), pre(n);
      for (size_t i = 0; i < n; ++i) {
        gr[i] = static_cast<float>(std::cos(0.003 * i + step) * 2.0);
        pre[i] = gr[i] * scale;
      }
      folded->step(p.data(), gr.data(), lr, scale);
      scaled->step(q.data(), pre.data(), lr);
      EXPECT_EQ(gr[5], static_cast<float>(std::cos(0.015 + step) * 2.0)) << "grads were modified";
    }
    for (size_t i = 0; i < n; ++i) ASSERT_EQ(p[i], q[i]) << name << " element " << i;
  }
}

TEST(Optimizer, StateNamesFollowTorch) {
  auto names = [](const OptimizerOptions& o) {
    std::vector<std::string> out;
    auto opt = make_optimizer(o, 3);
    for (auto& [name, buf] : opt->state()) {
      EXPECT_EQ(buf->size(), 3u);
      out.push_back(name);
    }
    return out;
  };
  using V = std::vector<std::string>;
  EXPECT_EQ(names(SgdOptions{}), V{});
  SgdOptions m;
  m.momentum = 0.9;
  EXPECT_EQ(names(m), V{"momentum_buffer"});
  EXPECT_EQ(names(AdamOptions{}), (V{"exp_avg", "exp_avg_sq"}));
  EXPECT_EQ(names(RmspropOptions{}), V{"square_avg"});
  EXPECT_EQ(names(RmspropOptions::keras()), V{"velocity"});
}

TEST(Optimizer, KerasRmspropPutsEpsInsideTheSqrt) {
  // keras.optimizers.RMSprop's docstring example: lr 0.1, loss var^2/2 (grad = var), var = 10
  // becomes 9.683772 after one step.
  RmspropOptions o = RmspropOptions::keras();
  auto opt = make_optimizer(o, 1);
  EXPECT_EQ(opt->name(), "rmsprop-keras");
  float var = 10.0f;
  float grad = var;
  opt->step(&var, &grad, 0.1);
  EXPECT_NEAR(var, 9.683772, 1e-6);
  // Second step by hand, in double: v = 0.9 v + 0.1 g^2; var -= lr g / sqrt(v + 1e-7).
  double v = 0.1 * 100.0, x = 10.0 - 0.1 * 10.0 / std::sqrt(v + 1e-7);
  grad = var;
  opt->step(&var, &grad, 0.1);
  v = 0.9 * v + 0.1 * x * x;
  x = x - 0.1 * x / std::sqrt(v + 1e-7);
  EXPECT_NEAR(var, x, 1e-6 * std::fabs(x));
  // Where eps sits matters when v is tiny: g = 1e-4 gives v = 1e-9, sqrt(v + 1e-7) = 3.178e-4,
  // whereas sqrt(v) + 1e-7 would be 3.163e-5.
  auto fresh = make_optimizer(o, 1);
  float p = 0.0f, tiny = 1e-4f;
  fresh->step(&p, &tiny, 1.0);
  EXPECT_NEAR(p, -1e-4 / std::sqrt(0.1 * 1e-8 + 1e-7), 1e-6);
}

TEST(Optimizer, KerasRmspropCenteredWithMomentumAndDecay) {
  // Keras 3's RMSprop.update_step with every option on, written out in double: weight decay
  // first (var -= var * wd * lr), then v, the centred average, the increment and momentum.
  RmspropOptions o = RmspropOptions::keras();
  o.centered = true;
  o.momentum = 0.8;
  o.weight_decay = 0.05;
  const double r = o.alpha, eps = o.eps, lr = 0.03;
  const int n = 5;
  auto opt = make_optimizer(o, n);
  std::vector<float> p = {0.5f, -1.25f, 2.0f, 0.0f, -0.75f};
  std::vector<double> x(p.begin(), p.end()), v(n, 0.0), ga(n, 0.0), m(n, 0.0);
  for (int step = 0; step < 4; ++step) {
    std::vector<float> g(n);
    for (int i = 0; i < n; ++i) g[i] = static_cast<float>(std::sin(1.7 * i + step) * (i + 1));
    opt->step(p.data(), g.data(), lr);
    for (int i = 0; i < n; ++i) {
      x[i] -= x[i] * o.weight_decay * lr;
      v[i] = r * v[i] + (1 - r) * g[i] * g[i];
      ga[i] = r * ga[i] + (1 - r) * g[i];
      m[i] = o.momentum * m[i] + lr * g[i] / std::sqrt(v[i] - ga[i] * ga[i] + eps);
      x[i] -= m[i];
      EXPECT_NEAR(p[i], x[i], 1e-5 * std::max(1.0, std::fabs(x[i]))) << "step " << step << " element " << i;
    }
  }
}

TEST(Optimizer, DefaultsByName) {
  EXPECT_EQ(make_optimizer(optimizer_defaults("sgd"), 1)->name(), "sgd");
  EXPECT_EQ(make_optimizer(optimizer_defaults("adam"), 1)->name(), "adam");
  EXPECT_EQ(make_optimizer(optimizer_defaults("adamw"), 1)->name(), "adamw");
  EXPECT_EQ(make_optimizer(optimizer_defaults("rmsprop"), 1)->name(), "rmsprop");
  EXPECT_EQ(make_optimizer(optimizer_defaults("rmsprop-keras"), 1)->name(), "rmsprop-keras");
  EXPECT_EQ(std::get<AdamOptions>(optimizer_defaults("adamw")).weight_decay, 0.01);
  try {
    optimizer_defaults("adagrad");
    FAIL();
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("--optimizer"), std::string::npos);
  }
}

TEST(Optimizer, RejectsBadHyperparameters) {
  SgdOptions s;
  s.nesterov = true;
  EXPECT_THROW(make_optimizer(s, 1), InputError);  // nesterov without momentum
  AdamOptions a;
  a.beta1 = 1.0;
  EXPECT_THROW(make_optimizer(a, 1), InputError);
  RmspropOptions r;
  r.eps = -1;
  EXPECT_THROW(make_optimizer(r, 1), InputError);
}

}  // namespace
}  // namespace rnngen
