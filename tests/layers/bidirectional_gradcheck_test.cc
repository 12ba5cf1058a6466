// Bidirectional wrapper: analytic gradients against central differences, in double, for every
// cell and both merge modes. The loss
//   L = sum(Ry * y) + sum(Rh * h_T) + sum(Rc * c_T)
// with fixed random R checks the merged outputs and both directions' final states at once;
// its gradients are dy = Ry, dhT = Rh, dcT = Rc. Checked against x, h0, c0 and every weight
// of both directions. Tolerance: max rel error (see gradcheck.h) <= 1e-6.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "gradcheck.h"
#include "layers/bidirectional.h"

namespace rnngen {
namespace {

using layers::Cell;
using layers::Merge;
using testing::dot;
using testing::gradcheck;
using testing::random_vector;

struct Case {
  Cell cell;
  Merge merge;
  const char* name;
};

// One direction's weights inside a flat buffer: w_ih [GH,D], w_hh [GH,H], b_ih [GH], b_hh [GH].
struct Offsets {
  size_t w_ih, w_hh, b_ih, b_hh, size;
  Offsets(size_t base, int G, int D, int H) {
    const size_t GH = static_cast<size_t>(G) * H;
    w_ih = base;
    w_hh = w_ih + GH * D;
    b_ih = w_hh + GH * H;
    b_hh = b_ih + GH;
    size = b_hh + GH - base;
  }
  layers::RecurrentWeights<double> weights(const std::vector<double>& p) const {
    return {p.data() + w_ih, p.data() + w_hh, p.data() + b_ih, p.data() + b_hh};
  }
  layers::RecurrentGrads<double> grads(std::vector<double>& g) const {
    return {g.data() + w_ih, g.data() + w_hh, g.data() + b_ih, g.data() + b_hh};
  }
};

class BidirectionalGradcheck : public ::testing::TestWithParam<Case> {};

TEST_P(BidirectionalGradcheck, MatchesCentralDifferences) {
  const Case c = GetParam();
  const int T = 4, B = 3, D = 5, H = 4, G = layers::gate_count(c.cell);
  const bool lstm = c.cell == Cell::kLstm;
  Rng rng(42);
  const Offsets of(0, G, D, H);
  const Offsets ob(of.size, G, D, H);
  std::vector<double> params = random_vector(of.size + ob.size, rng, -0.5, 0.5);
  std::vector<double> x = random_vector(static_cast<size_t>(T) * B * D, rng);
  std::vector<double> h0 = random_vector(2 * B * H, rng, -0.5, 0.5);
  std::vector<double> c0 = random_vector(2 * B * H, rng, -0.5, 0.5);

  layers::Bidirectional<double> bi(c.cell, D, H, c.merge);
  const size_t ny = static_cast<size_t>(T) * B * bi.output_size(), nh = static_cast<size_t>(B) * H;
  const std::vector<double> ry = random_vector(ny, rng), rh = random_vector(2 * nh, rng),
                            rc = random_vector(2 * nh, rng);

  auto loss = [&] {
    bi.forward(of.weights(params), ob.weights(params), T, B, x.data(), nullptr, h0.data(),
               lstm ? c0.data() : nullptr);
    double L = dot(ry.data(), bi.output(), ny);
    const auto& f = bi.forward_layer();
    const auto& b = bi.backward_layer();
    L += dot(rh.data(), f.final_h(), nh) + dot(rh.data() + nh, b.final_h(), nh);
    if (lstm) L += dot(rc.data(), f.final_c(), nh) + dot(rc.data() + nh, b.final_c(), nh);
    return L;
  };

  loss();
  std::vector<double> gparams(params.size(), 0.0), dx(x.size()), dh0(h0.size()), dc0(c0.size());
  bi.backward(of.weights(params), ob.weights(params), of.grads(gparams), ob.grads(gparams),
              ry.data(), rh.data(), lstm ? rc.data() : nullptr, dx.data(), dh0.data(),
              lstm ? dc0.data() : nullptr);

  auto check = [&](const char* what, std::vector<double>& buf, const std::vector<double>& g) {
    const auto r = gradcheck(buf, g, loss);
    EXPECT_LE(r.max_rel, 1e-6) << c.name << " " << what << "[" << r.worst
                               << "]: analytic " << r.analytic << " numeric " << r.numeric;
  };
  check("params", params, gparams);
  check("x", x, dx);
  check("h0", h0, dh0);
  if (lstm) check("c0", c0, dc0);
}

INSTANTIATE_TEST_SUITE_P(
    AllCells, BidirectionalGradcheck,
    ::testing::Values(Case{Cell::kLstm, Merge::kConcat, "lstm_concat"},
                      Case{Cell::kLstm, Merge::kSum, "lstm_sum"},
                      Case{Cell::kGru, Merge::kConcat, "gru_concat"},
                      Case{Cell::kGru, Merge::kSum, "gru_sum"},
                      Case{Cell::kRnnTanh, Merge::kConcat, "rnn_tanh_concat"},
                      Case{Cell::kRnnTanh, Merge::kSum, "rnn_tanh_sum"}),
    [](const auto& info) { return std::string(info.param.name); });

}  // namespace
}  // namespace rnngen
