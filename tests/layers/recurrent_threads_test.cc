// The float time loops split the batch rows between threads (ops::parallel_blocks). Every
// output and gradient must agree with the single-thread run and with the double-precision
// path computed independently of the split, on each path the per-step products can take (OpenBLAS;
// oneDNN on W_hh packed once per window, on AVX-512 CPUs).
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <vector>

#include "isa_paths.h"
#include "layers/recurrent.h"
#include "ops/gemm.h"
#include "util/rng.h"

namespace rnngen {
namespace {

using layers::Cell;

struct Case {
  Cell cell;
  bool reverse;
  int batch;
};

// Everything one forward + backward produces, flattened.
template <typename T>
std::vector<double> run_layer(const Case& c, int threads) {
  const int Tn = 6, D = 10, H = 24, GH = layers::gate_count(c.cell) * H, B = c.batch;
  Rng rng(7);
  auto fill = [&](size_t n, double a) {
    std::vector<T> v(n);
    for (auto& e : v) e = static_cast<T>(a * (2 * rng.uniform() - 1));
    return v;
  };
  auto w_ih = fill(GH * D, 0.3), w_hh = fill(GH * H, 0.3), b_ih = fill(GH, 0.3), b_hh = fill(GH, 0.3);
  auto x = fill(Tn * B * D, 1.0), h0 = fill(B * H, 0.5), c0 = fill(B * H, 0.5);
  auto dy = fill(Tn * B * H, 1.0), dhT = fill(B * H, 1.0), dcT = fill(B * H, 1.0);
  const bool lstm = c.cell == Cell::kLstm;

  const int saved = ops::num_threads(), saved_rows = layers::batch_split_min_rows();
  ops::set_num_threads(threads);
  layers::set_batch_split_min_rows(4);
  layers::Recurrent<T> layer(c.cell, D, H, c.reverse);
  layers::RecurrentWeights<T> w{w_ih.data(), w_hh.data(), b_ih.data(), b_hh.data()};
  std::vector<T> gw_ih(w_ih.size()), gw_hh(w_hh.size()), gb_ih(GH), gb_hh(GH);
  std::vector<T> dx(x.size()), dh0(h0.size()), dc0(c0.size());
  auto pass = [&] {
    layer.forward(w, Tn, B, x.data(), nullptr, h0.data(), lstm ? c0.data() : nullptr);
    layer.backward(w, {gw_ih.data(), gw_hh.data(), gb_ih.data(), gb_hh.data()}, dy.data(),
                   dhT.data(), lstm ? dcT.data() : nullptr, dx.data(), dh0.data(),
                   lstm ? dc0.data() : nullptr);
  };
  // A first pass with other W_hh values in the same buffer, as a training step leaves them: a
  // layer that kept a copy of W_hh from it (packed per-step products) would go wrong next.
  for (auto& v : w_hh) v = -v;
  pass();
  for (auto& v : w_hh) v = -v;
  for (auto* g : {&gw_ih, &gw_hh, &gb_ih, &gb_hh}) std::fill(g->begin(), g->end(), T(0));
  pass();
  ops::set_num_threads(saved);
  layers::set_batch_split_min_rows(saved_rows);

  std::vector<double> all(layer.output(), layer.output() + static_cast<size_t>(Tn) * B * H);
  for (const auto* v : {&gw_ih, &gw_hh, &gb_ih, &gb_hh, &dx, &dh0, &dc0}) all.insert(all.end(), v->begin(), v->end());
  all.insert(all.end(), layer.final_h(), layer.final_h() + static_cast<size_t>(B) * H);
  return all;
}

// Float at 1, 2 and 3 threads against one thread and against the double path.
void expect_split_matches(const Case& c, const std::vector<double>& ref) {
  const std::vector<double> one = run_layer<float>(c, 1);
  ASSERT_EQ(one.size(), ref.size());
  for (int threads : {2, 3}) {
    const std::vector<double> many = run_layer<float>(c, threads);
    ASSERT_EQ(many.size(), ref.size());
    double worst_threads = 0, worst_ref = 0;
    for (size_t k = 0; k < ref.size(); ++k) {
      const double scale = std::max(1.0, std::abs(ref[k]));
      worst_threads = std::max(worst_threads, std::abs(many[k] - one[k]) / scale);
      worst_ref = std::max(worst_ref, std::abs(many[k] - ref[k]) / scale);
    }
    EXPECT_LE(worst_threads, 1e-6) << threads << " threads vs 1";
    EXPECT_LE(worst_ref, 2e-5) << threads << " threads vs the double path";
  }
}

class RecurrentThreads : public ::testing::TestWithParam<Case> {};

TEST_P(RecurrentThreads, BatchSplitMatchesOneThreadAndDouble) {
  const Case c = GetParam();
  const std::vector<double> ref = run_layer<double>(c, 1);
  for_each_isa([&] { expect_split_matches(c, ref); });  // OpenBLAS, and oneDNN packed on AVX-512
}

INSTANTIATE_TEST_SUITE_P(
    AllCells, RecurrentThreads,
    ::testing::Values(Case{Cell::kLstm, false, 9}, Case{Cell::kLstm, true, 16},
                      Case{Cell::kGru, false, 9}, Case{Cell::kGru, true, 13},
                      Case{Cell::kRnnTanh, false, 11}, Case{Cell::kRnnRelu, true, 8},
                      Case{Cell::kLstm, false, 3}));

}  // namespace
}  // namespace rnngen
