// Double-precision finite-difference checks (tests/gradcheck.h) of one recurrent layer (every cell, both
// directions, dense and one-hot input) against inputs, h0/c0 and every weight; and with a zero
// initial state and no dh0 wanted, where the layer skips its products with that state.
// The loss is sum(R_y * y) + sum(R_h * h_T) + sum(R_c * c_T) with fixed random R.
// Two threads and a batch of 9: the time loops split the batch rows 4 + 5 between threads.
#include <gtest/gtest.h>

#include <vector>

#include "gradcheck.h"
#include "layers/recurrent.h"
#include "ops/gemm.h"

namespace rnngen {
namespace {

using layers::Cell;

struct Case {
  Cell cell;
  bool reverse;
  bool one_hot;
  bool zero_state = false;  // h0 = c0 = null forward, dh0 = dc0 = null backward
};

class RecurrentGrad : public ::testing::TestWithParam<Case> {};

TEST_P(RecurrentGrad, MatchesFiniteDifferences) {
  const Case c = GetParam();
  const int threads = ops::num_threads(), split_rows = layers::batch_split_min_rows();
  ops::set_num_threads(2);
  layers::set_batch_split_min_rows(4);
  const int T = 5, B = 9, D = 4, H = 3, G = layers::gate_count(c.cell), GH = G * H;
  Rng rng(42);
  std::vector<double> w_ih(GH * D), w_hh(GH * H), b_ih(GH), b_hh(GH);
  std::vector<double> x(T * B * D), h0(B * H), c0(B * H);
  std::vector<int32_t> ids(T * B);
  for (auto* v : {&w_ih, &w_hh, &b_ih, &b_hh, &x, &h0, &c0})
    testing::fill_uniform(v->data(), v->size(), rng, 0.8);
  for (auto& id : ids) id = static_cast<int32_t>(rng.below(D));
  std::vector<double> ry(T * B * H), rh(B * H), rc(B * H);
  for (auto* v : {&ry, &rh, &rc}) testing::fill_uniform(v->data(), v->size(), rng);
  const bool lstm = c.cell == Cell::kLstm;

  layers::Recurrent<double> layer(c.cell, D, H, c.reverse);
  layers::RecurrentWeights<double> w{w_ih.data(), w_hh.data(), b_ih.data(), b_hh.data()};
  auto run = [&] {
    layer.forward(w, T, B, c.one_hot ? nullptr : x.data(), c.one_hot ? ids.data() : nullptr,
                  c.zero_state ? nullptr : h0.data(), lstm && !c.zero_state ? c0.data() : nullptr);
  };
  auto loss = [&] {
    run();
    double s = 0;
    for (size_t i = 0; i < ry.size(); ++i) s += ry[i] * layer.output()[i];
    for (size_t i = 0; i < rh.size(); ++i) s += rh[i] * layer.final_h()[i];
    if (lstm)
      for (size_t i = 0; i < rc.size(); ++i) s += rc[i] * layer.final_c()[i];
    return s;
  };

  std::vector<double> gw_ih(w_ih.size()), gw_hh(w_hh.size()), gb_ih(GH), gb_hh(GH);
  std::vector<double> dx(x.size()), dh0(h0.size()), dc0(c0.size());
  run();
  layer.backward(w, {gw_ih.data(), gw_hh.data(), gb_ih.data(), gb_hh.data()}, ry.data(), rh.data(),
                 lstm ? rc.data() : nullptr, c.one_hot ? nullptr : dx.data(),
                 c.zero_state ? nullptr : dh0.data(), lstm && !c.zero_state ? dc0.data() : nullptr);

  struct Item {
    const char* name;
    std::vector<double>* x;
    std::vector<double>* g;
  };
  std::vector<Item> items = {{"w_ih", &w_ih, &gw_ih}, {"w_hh", &w_hh, &gw_hh},
                             {"b_ih", &b_ih, &gb_ih}, {"b_hh", &b_hh, &gb_hh}};
  if (!c.zero_state) items.push_back({"h0", &h0, &dh0});
  if (!c.one_hot) items.push_back({"x", &x, &dx});
  if (lstm && !c.zero_state) items.push_back({"c0", &c0, &dc0});
  for (auto& it : items) {
    auto r = testing::gradcheck(it.x->data(), it.g->data(), it.x->size(), loss);
    EXPECT_LE(r.max_rel, 1e-6) << it.name << "[" << r.worst << "] analytic " << r.analytic
                                 << " numeric " << r.numeric;
  }
  ops::set_num_threads(threads);
  layers::set_batch_split_min_rows(split_rows);
}

INSTANTIATE_TEST_SUITE_P(
    AllCells, RecurrentGrad,
    ::testing::Values(Case{Cell::kLstm, false, false}, Case{Cell::kLstm, true, false},
                      Case{Cell::kLstm, false, true}, Case{Cell::kGru, false, false},
                      Case{Cell::kGru, true, false}, Case{Cell::kGru, false, true},
                      Case{Cell::kRnnTanh, false, false}, Case{Cell::kRnnTanh, true, true},
                      Case{Cell::kRnnRelu, false, false}, Case{Cell::kLstm, false, false, true},
                      Case{Cell::kLstm, true, false, true}, Case{Cell::kGru, false, false, true},
                      Case{Cell::kGru, true, true, true}, Case{Cell::kRnnTanh, false, true, true},
                      Case{Cell::kRnnRelu, true, false, true}));

}  // namespace
}  // namespace rnngen
