// One LSTM layer over a window, forward (training) + backward with weight gradients:
// rnngen's Recurrent<float> against oneDNN's lstm_forward / lstm_backward primitives on the
// same shape, to decide whether to route LSTM layers through oneDNN.
//   build/onednn_lstm_bench --benchmark_repetitions=5 --benchmark_report_aggregates_only=true
// Args: T, B, D (input), H. The oneDNN side includes what an integration would pay every
// step: reordering the PyTorch-layout weights (ldgoi) into the primitive's chosen layout.
// Threads: RNNGEN_THREADS (default 1) for both.
#include <benchmark/benchmark.h>

#include <cstdlib>
#include <oneapi/dnnl/dnnl.hpp>
#include <vector>

#include "layers/recurrent.h"
#include "ops/gemm.h"
#include "util/rng.h"

namespace {

using namespace rnngen;

int threads() {
  const char* t = std::getenv("RNNGEN_THREADS");
  return t ? std::atoi(t) : 1;
}

std::vector<float> rand_vec(size_t n, Rng& rng, double a) {
  std::vector<float> v(n);
  for (auto& x : v) x = static_cast<float>(rng.uniform(-a, a));
  return v;
}

void BM_LstmLayer_Rnngen(benchmark::State& st) {
  const int T = st.range(0), B = st.range(1), D = st.range(2), H = st.range(3), GH = 4 * H;
  ops::set_num_threads(threads());
  Rng rng(1);
  const double a = 1.0 / std::sqrt(H);
  auto w_ih = rand_vec(static_cast<size_t>(GH) * D, rng, a), w_hh = rand_vec(static_cast<size_t>(GH) * H, rng, a),
       b_ih = rand_vec(GH, rng, a), b_hh = rand_vec(GH, rng, a);
  auto x = rand_vec(static_cast<size_t>(T) * B * D, rng, 1.0), dy = rand_vec(static_cast<size_t>(T) * B * H, rng, 1e-2);
  std::vector<float> gw_ih(w_ih.size()), gw_hh(w_hh.size()), gb_ih(GH), gb_hh(GH),
      dx(x.size());
  layers::Recurrent<float> layer(layers::Cell::kLstm, D, H);
  layers::RecurrentWeights<float> w{w_ih.data(), w_hh.data(), b_ih.data(), b_hh.data()};
  layers::RecurrentGrads<float> g{gw_ih.data(), gw_hh.data(), gb_ih.data(), gb_hh.data()};
  for (auto _ : st) {
    layer.forward(w, T, B, x.data(), nullptr, nullptr, nullptr);
    layer.backward(w, g, dy.data(), nullptr, nullptr, dx.data(), nullptr, nullptr);
    benchmark::DoNotOptimize(dx.data());
  }
  st.counters["tok/s"] = benchmark::Counter(static_cast<double>(T) * B, benchmark::Counter::kIsIterationInvariantRate);
}

void BM_LstmLayer_OneDnn(benchmark::State& st) {
  using namespace dnnl;
  using tag = memory::format_tag;
  using dt = memory::data_type;
  const int T = st.range(0), B = st.range(1), D = st.range(2), H = st.range(3), GH = 4 * H;
  ops::set_num_threads(threads());
  engine eng(engine::kind::cpu, 0);
  stream s(eng);
  Rng rng(1);
  const double a = 1.0 / std::sqrt(H);
  // PyTorch layout [4H, D] = ldgoi with l = d = 1; bias = b_ih + b_hh in ldgo.
  auto w_ih = rand_vec(static_cast<size_t>(GH) * D, rng, a), w_hh = rand_vec(static_cast<size_t>(GH) * H, rng, a),
       bias = rand_vec(GH, rng, a);
  auto x = rand_vec(static_cast<size_t>(T) * B * D, rng, 1.0), dy = rand_vec(static_cast<size_t>(T) * B * H, rng, 1e-2);

  memory::desc src_md({T, B, D}, dt::f32, tag::tnc), dst_md({T, B, H}, dt::f32, tag::tnc);
  memory::desc iter_md({1, 1, B, H}, dt::f32, tag::ldnc);
  memory::desc wl_user({1, 1, D, 4, H}, dt::f32, tag::ldgoi), wi_user({1, 1, H, 4, H}, dt::f32, tag::ldgoi);
  memory::desc wl_any({1, 1, D, 4, H}, dt::f32, tag::any), wi_any({1, 1, H, 4, H}, dt::f32, tag::any);
  memory::desc bias_md({1, 1, 4, H}, dt::f32, tag::ldgo);
  memory::desc zero_md;

  lstm_forward::desc fd(prop_kind::forward_training, rnn_direction::unidirectional_left2right,
                        src_md, zero_md, zero_md, wl_any, wi_any, bias_md, dst_md, zero_md, zero_md);
  lstm_forward::primitive_desc fpd(fd, eng);
  lstm_backward::desc bd(prop_kind::backward, rnn_direction::unidirectional_left2right, src_md,
                         zero_md, zero_md, wl_any, wi_any, bias_md, dst_md, zero_md, zero_md,
                         src_md, zero_md, zero_md, wl_any, wi_any, bias_md, dst_md, zero_md,
                         zero_md);
  lstm_backward::primitive_desc bpd(bd, eng, fpd);

  memory src(src_md, eng, x.data()), dst(dst_md, eng), bias_m(bias_md, eng, bias.data());
  memory wl_u(wl_user, eng, w_ih.data()), wi_u(wi_user, eng, w_hh.data());
  memory wl_f(fpd.weights_layer_desc(), eng), wi_f(fpd.weights_iter_desc(), eng);
  memory wl_b(bpd.weights_layer_desc(), eng), wi_b(bpd.weights_iter_desc(), eng);
  memory ws(fpd.workspace_desc(), eng);
  memory dsrc(src_md, eng), ddst(dst_md, eng, dy.data());
  memory dwl(bpd.diff_weights_layer_desc(), eng), dwi(bpd.diff_weights_iter_desc(), eng),
      dbias(bpd.diff_bias_desc(), eng);
  reorder r_wl_f(wl_u, wl_f), r_wi_f(wi_u, wi_f), r_wl_b(wl_u, wl_b), r_wi_b(wi_u, wi_b);
  lstm_forward fwd(fpd);
  lstm_backward bwd(bpd);
  for (auto _ : st) {
    r_wl_f.execute(s, wl_u, wl_f);
    r_wi_f.execute(s, wi_u, wi_f);
    fwd.execute(s, {{DNNL_ARG_SRC_LAYER, src}, {DNNL_ARG_WEIGHTS_LAYER, wl_f},
                    {DNNL_ARG_WEIGHTS_ITER, wi_f}, {DNNL_ARG_BIAS, bias_m},
                    {DNNL_ARG_DST_LAYER, dst}, {DNNL_ARG_WORKSPACE, ws}});
    r_wl_b.execute(s, wl_u, wl_b);
    r_wi_b.execute(s, wi_u, wi_b);
    bwd.execute(s, {{DNNL_ARG_SRC_LAYER, src}, {DNNL_ARG_WEIGHTS_LAYER, wl_b},
                    {DNNL_ARG_WEIGHTS_ITER, wi_b}, {DNNL_ARG_BIAS, bias_m},
                    {DNNL_ARG_DST_LAYER, dst}, {DNNL_ARG_WORKSPACE, ws},
                    {DNNL_ARG_DIFF_SRC_LAYER, dsrc}, {DNNL_ARG_DIFF_WEIGHTS_LAYER, dwl},
                    {DNNL_ARG_DIFF_WEIGHTS_ITER, dwi}, {DNNL_ARG_DIFF_BIAS, dbias},
                    {DNNL_ARG_DIFF_DST_LAYER, ddst}});
    s.wait();
  }
  st.counters["tok/s"] = benchmark::Counter(static_cast<double>(T) * B, benchmark::Counter::kIsIterationInvariantRate);
}

// T, B, D, H: the recurrent layers of the char configs (layer >= 1 has D = H).
#define SHAPES                                          \
  ->ArgNames({"T", "B", "D", "H"})                      \
      ->Args({64, 64, 64, 128})                         \
      ->Args({100, 64, 256, 256})                       \
      ->Args({100, 32, 512, 512})                       \
      ->Args({50, 32, 64, 1024})                        \
      ->Args({35, 20, 650, 650})                        \
      ->Unit(benchmark::kMillisecond)
BENCHMARK(BM_LstmLayer_Rnngen) SHAPES;
BENCHMARK(BM_LstmLayer_OneDnn) SHAPES;

}  // namespace

BENCHMARK_MAIN();
