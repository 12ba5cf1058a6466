// The SIMD float cell kernels and softmax-CE against their scalar references (*_ref, std::
// math), on shapes with remainders (H not a multiple of the vector width), at 1 and 2 threads,
// plus: results do not depend on the thread count.
#include <gtest/gtest.h>

#include <cmath>
#include <functional>
#include <vector>

#include "layers/cells.h"
#include "layers/softmax_ce.h"
#include "ops/gemm.h"
#include "ops/parallel.h"
#include "util/rng.h"

namespace rnngen {
namespace {

std::vector<float> rand_vec(size_t n, Rng& rng, double a) {
  std::vector<float> v(n);
  for (auto& x : v) x = static_cast<float>(rng.uniform(-a, a));
  return v;
}

// |fast - ref| <= rtol * |ref| + atol elementwise.
void expect_close(const std::vector<float>& fast, const std::vector<float>& ref, const char* what,
                  double rtol = 2e-6, double atol = 1e-7) {
  ASSERT_EQ(fast.size(), ref.size());
  for (size_t i = 0; i < fast.size(); ++i)
    ASSERT_NEAR(fast[i], ref[i], rtol * std::fabs(ref[i]) + atol) << what << "[" << i << "]";
}

struct Shape {
  int B, H;
};
// Small and odd sizes exercise the scalar tails; 64 x 512 is above the parallel threshold.
const Shape kShapes[] = {{1, 1}, {3, 7}, {5, 33}, {4, 130}, {64, 512}};
const int kThreads[] = {1, 2};

TEST(CellKernels, LstmForwardBackwardMatchReference) {
  for (int th : kThreads)
    for (Shape s : kShapes) {
      ops::set_num_threads(th);
      Rng rng(1000 + s.B * 7 + s.H);
      const size_t bh = static_cast<size_t>(s.B) * s.H;
      auto pre = rand_vec(4 * bh, rng, 6.0), cp = rand_vec(bh, rng, 2.0);
      auto pre_r = pre;
      std::vector<float> c(bh), h(bh), c_r(bh), h_r(bh);
      layers::lstm_step_forward(s.B, s.H, pre.data(), cp.data(), c.data(), h.data());
      layers::lstm_step_forward_ref(s.B, s.H, pre_r.data(), cp.data(), c_r.data(), h_r.data());
      expect_close(pre, pre_r, "lstm act");
      expect_close(c, c_r, "lstm c");
      expect_close(h, h_r, "lstm h");

      auto dh = rand_vec(bh, rng, 1.0), dc = rand_vec(bh, rng, 1.0);
      auto dc_r = dc;
      std::vector<float> dg(4 * bh), dg_r(4 * bh);
      layers::lstm_step_backward(s.B, s.H, pre_r.data(), cp.data(), c_r.data(), dh.data(),
                                 dc.data(), dg.data());
      layers::lstm_step_backward_ref(s.B, s.H, pre_r.data(), cp.data(), c_r.data(), dh.data(),
                                     dc_r.data(), dg_r.data());
      expect_close(dg, dg_r, "lstm dgates");
      expect_close(dc, dc_r, "lstm dc");
    }
  ops::set_num_threads(1);
}

TEST(CellKernels, GruForwardBackwardMatchReference) {
  for (int th : kThreads)
    for (Shape s : kShapes) {
      ops::set_num_threads(th);
      Rng rng(2000 + s.B * 7 + s.H);
      const size_t bh = static_cast<size_t>(s.B) * s.H;
      auto xg = rand_vec(3 * bh, rng, 4.0), hg = rand_vec(3 * bh, rng, 4.0),
           hp = rand_vec(bh, rng, 1.0);
      auto xg_r = xg;
      std::vector<float> hn(bh), h(bh), hn_r(bh), h_r(bh);
      layers::gru_step_forward(s.B, s.H, xg.data(), hg.data(), hp.data(), hn.data(), h.data());
      layers::gru_step_forward_ref(s.B, s.H, xg_r.data(), hg.data(), hp.data(), hn_r.data(),
                                   h_r.data());
      expect_close(xg, xg_r, "gru act");
      expect_close(hn, hn_r, "gru hn");
      expect_close(h, h_r, "gru h", 2e-6, 2e-7);

      auto dh = rand_vec(bh, rng, 1.0);
      std::vector<float> dx(3 * bh), dhh(3 * bh), dp(bh), dx_r(3 * bh), dhh_r(3 * bh), dp_r(bh);
      layers::gru_step_backward(s.B, s.H, xg_r.data(), hn_r.data(), hp.data(), dh.data(),
                                dx.data(), dhh.data(), dp.data());
      layers::gru_step_backward_ref(s.B, s.H, xg_r.data(), hn_r.data(), hp.data(), dh.data(),
                                    dx_r.data(), dhh_r.data(), dp_r.data());
      expect_close(dx, dx_r, "gru dxg");
      expect_close(dhh, dhh_r, "gru dhg");
      expect_close(dp, dp_r, "gru dh_prev");
    }
  ops::set_num_threads(1);
}

TEST(CellKernels, RnnForwardBackwardMatchReference) {
  for (int th : kThreads)
    for (Shape s : kShapes)
      for (bool relu : {false, true}) {
        ops::set_num_threads(th);
        Rng rng(3000 + s.B * 7 + s.H);
        const size_t bh = static_cast<size_t>(s.B) * s.H;
        auto pre = rand_vec(bh, rng, 5.0);
        auto pre_r = pre;
        layers::rnn_step_forward(s.B, s.H, relu, pre.data());
        layers::rnn_step_forward_ref(s.B, s.H, relu, pre_r.data());
        expect_close(pre, pre_r, "rnn h");
        auto dh = rand_vec(bh, rng, 1.0);
        std::vector<float> d(bh), d_r(bh);
        layers::rnn_step_backward(s.B, s.H, relu, pre_r.data(), dh.data(), d.data());
        layers::rnn_step_backward_ref(s.B, s.H, relu, pre_r.data(), dh.data(), d_r.data());
        expect_close(d, d_r, "rnn dpre");
      }
  ops::set_num_threads(1);
}

TEST(CellKernels, SoftmaxCeMatchesReference) {
  struct Case {
    int n, v;
  };
  for (int th : kThreads)
    for (Case c : {Case{1, 1}, Case{3, 5}, Case{7, 65}, Case{33, 1000}, Case{300, 10000}}) {
      ops::set_num_threads(th);
      Rng rng(4000 + c.n + c.v);
      auto z = rand_vec(static_cast<size_t>(c.n) * c.v, rng, 8.0);
      std::vector<int32_t> y(c.n);
      for (int i = 0; i < c.n; ++i) y[i] = i % 5 == 4 ? -1 : static_cast<int32_t>(rng.below(c.v));
      std::vector<float> d(z.size()), d_r(z.size());
      const double l = layers::softmax_ce(c.n, c.v, z.data(), y.data(), 0.5f, d.data());
      const double l_r = layers::softmax_ce_ref(c.n, c.v, z.data(), y.data(), 0.5f, d_r.data());
      EXPECT_NEAR(l, l_r, 1e-6 * std::fabs(l_r) + 1e-6) << c.n << "x" << c.v;
      expect_close(d, d_r, "softmax dlogits", 2e-6, 1e-9);
      // No gradient wanted, and dlogits aliasing logits.
      EXPECT_EQ(layers::softmax_ce(c.n, c.v, z.data(), y.data(), 0.5f, static_cast<float*>(nullptr)), l);
      auto za = z;
      EXPECT_EQ(layers::softmax_ce(c.n, c.v, za.data(), y.data(), 0.5f, za.data()), l);
      EXPECT_EQ(za, d);
    }
  ops::set_num_threads(1);
}

TEST(CellKernels, ResultsDoNotDependOnThreadCount) {
  const int B = 64, H = 512;
  const size_t bh = static_cast<size_t>(B) * H;
  Rng rng(5);
  const auto pre0 = rand_vec(4 * bh, rng, 6.0), cp = rand_vec(bh, rng, 2.0);
  auto z = rand_vec(static_cast<size_t>(B) * 10000, rng, 8.0);
  std::vector<int32_t> y(B);
  for (auto& t : y) t = static_cast<int32_t>(rng.below(10000));
  std::vector<float> out[2], dz[2];
  double loss[2];
  for (int th : {1, 2}) {
    ops::set_num_threads(th);
    auto pre = pre0;
    std::vector<float> c(bh), h(bh);
    layers::lstm_step_forward(B, H, pre.data(), cp.data(), c.data(), h.data());
    out[th - 1] = h;
    dz[th - 1].resize(z.size());
    loss[th - 1] = layers::softmax_ce(B, 10000, z.data(), y.data(), 1.0f, dz[th - 1].data());
  }
  EXPECT_EQ(out[0], out[1]);
  EXPECT_EQ(dz[0], dz[1]);
  EXPECT_EQ(loss[0], loss[1]);
  ops::set_num_threads(1);
}

}  // namespace
}  // namespace rnngen
