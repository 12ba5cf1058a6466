// The hot kernels, each beside its naive reference (same signature, scalar std:: math):
//   fused gate kernels (LSTM / GRU / RNN step, forward and backward), softmax-CE, and the
//   recurrent layer over a window (per-step GEMM + fused kernel, forward and backward) with the
//   fast kernels on and off.
//   build/kernels_bench [--benchmark_filter=Lstm] [--benchmark_repetitions=5]
// Counter "elem/s": gate elements (B*G*H) or logits (N*V) per second. RNNGEN_THREADS sets the
// thread count (default 1).
#include <benchmark/benchmark.h>

#include <cstdlib>
#include <vector>

#include "layers/cells.h"
#include "layers/recurrent.h"
#include "layers/softmax_ce.h"
#include "ops/gemm.h"
#include "ops/parallel.h"
#include "util/rng.h"

namespace {

using namespace rnngen;

void setup_threads() {
  const char* t = std::getenv("RNNGEN_THREADS");
  ops::set_num_threads(t ? std::atoi(t) : 1);
}

std::vector<float> rand_vec(size_t n, uint64_t seed, double a) {
  Rng rng(seed);
  std::vector<float> v(n);
  for (auto& x : v) x = static_cast<float>(rng.uniform(-a, a));
  return v;
}

void rate(benchmark::State& st, double per_iter) {
  st.counters["elem/s"] = benchmark::Counter(per_iter, benchmark::Counter::kIsIterationInvariantRate);
}

// ---- LSTM gates --------------------------------------------------------------------------
template <bool kRef>
void BM_LstmForward(benchmark::State& st) {
  setup_threads();
  const int B = st.range(0), H = st.range(1);
  const size_t bh = static_cast<size_t>(B) * H;
  const auto pre0 = rand_vec(4 * bh, 1, 4.0), cp = rand_vec(bh, 2, 1.0);
  auto pre = pre0;
  std::vector<float> c(bh), h(bh);
  for (auto _ : st) {
    st.PauseTiming();
    pre = pre0;
    st.ResumeTiming();
    if (kRef) layers::lstm_step_forward_ref(B, H, pre.data(), cp.data(), c.data(), h.data());
    else layers::lstm_step_forward(B, H, pre.data(), cp.data(), c.data(), h.data());
    benchmark::DoNotOptimize(h.data());
  }
  rate(st, 4.0 * bh);
}

template <bool kRef>
void BM_LstmBackward(benchmark::State& st) {
  setup_threads();
  const int B = st.range(0), H = st.range(1);
  const size_t bh = static_cast<size_t>(B) * H;
  auto act = rand_vec(4 * bh, 3, 1.0);
  for (auto& a : act) a = 0.5f + 0.45f * a;  // activated gates in (0, 1)
  const auto cp = rand_vec(bh, 4, 1.0), c = rand_vec(bh, 5, 1.0), dh = rand_vec(bh, 6, 1.0);
  auto dc = rand_vec(bh, 7, 1.0);
  std::vector<float> dg(4 * bh);
  for (auto _ : st) {
    if (kRef) layers::lstm_step_backward_ref(B, H, act.data(), cp.data(), c.data(), dh.data(), dc.data(), dg.data());
    else layers::lstm_step_backward(B, H, act.data(), cp.data(), c.data(), dh.data(), dc.data(), dg.data());
    benchmark::DoNotOptimize(dg.data());
  }
  rate(st, 4.0 * bh);
}

// ---- GRU gates ---------------------------------------------------------------------------
template <bool kRef>
void BM_GruForward(benchmark::State& st) {
  setup_threads();
  const int B = st.range(0), H = st.range(1);
  const size_t bh = static_cast<size_t>(B) * H;
  const auto xg0 = rand_vec(3 * bh, 1, 3.0), hg = rand_vec(3 * bh, 2, 3.0), hp = rand_vec(bh, 3, 1.0);
  auto xg = xg0;
  std::vector<float> hn(bh), h(bh);
  for (auto _ : st) {
    st.PauseTiming();
    xg = xg0;
    st.ResumeTiming();
    if (kRef) layers::gru_step_forward_ref(B, H, xg.data(), hg.data(), hp.data(), hn.data(), h.data());
    else layers::gru_step_forward(B, H, xg.data(), hg.data(), hp.data(), hn.data(), h.data());
    benchmark::DoNotOptimize(h.data());
  }
  rate(st, 3.0 * bh);
}

template <bool kRef>
void BM_GruBackward(benchmark::State& st) {
  setup_threads();
  const int B = st.range(0), H = st.range(1);
  const size_t bh = static_cast<size_t>(B) * H;
  auto act = rand_vec(3 * bh, 3, 1.0);
  for (auto& a : act) a = 0.5f + 0.45f * a;
  const auto hn = rand_vec(bh, 4, 1.0), hp = rand_vec(bh, 5, 1.0), dh = rand_vec(bh, 6, 1.0);
  std::vector<float> dx(3 * bh), dhh(3 * bh), dp(bh);
  for (auto _ : st) {
    if (kRef) layers::gru_step_backward_ref(B, H, act.data(), hn.data(), hp.data(), dh.data(), dx.data(), dhh.data(), dp.data());
    else layers::gru_step_backward(B, H, act.data(), hn.data(), hp.data(), dh.data(), dx.data(), dhh.data(), dp.data());
    benchmark::DoNotOptimize(dx.data());
  }
  rate(st, 3.0 * bh);
}

// ---- Elman RNN (tanh) --------------------------------------------------------------------
template <bool kRef>
void BM_RnnForward(benchmark::State& st) {
  setup_threads();
  const int B = st.range(0), H = st.range(1);
  const size_t bh = static_cast<size_t>(B) * H;
  const auto pre0 = rand_vec(bh, 1, 3.0);
  auto pre = pre0;
  for (auto _ : st) {
    st.PauseTiming();
    pre = pre0;
    st.ResumeTiming();
    if (kRef) layers::rnn_step_forward_ref(B, H, false, pre.data());
    else layers::rnn_step_forward(B, H, false, pre.data());
    benchmark::DoNotOptimize(pre.data());
  }
  rate(st, static_cast<double>(bh));
}

// ---- softmax + cross-entropy ----------------------------------------------------------------
template <bool kRef>
void BM_SoftmaxCe(benchmark::State& st) {
  setup_threads();
  const int N = st.range(0), V = st.range(1);
  const auto z = rand_vec(static_cast<size_t>(N) * V, 1, 5.0);
  std::vector<int32_t> y(N);
  Rng rng(2);
  for (auto& t : y) t = static_cast<int32_t>(rng.below(V));
  std::vector<float> d(z.size());
  for (auto _ : st) {
    double l = kRef ? layers::softmax_ce_ref(N, V, z.data(), y.data(), 1.0f, d.data())
                    : layers::softmax_ce(N, V, z.data(), y.data(), 1.0f, d.data());
    benchmark::DoNotOptimize(l);
  }
  rate(st, static_cast<double>(N) * V);
}

// ---- recurrent layer over a window: per-step GEMM + fused kernel ---------------------------
// Args: cell (0 lstm, 1 gru, 2 rnn), T, B, H (input size = H); fast kernels on (Fast) or off.
template <bool kRef, bool kBackward>
void BM_RecurrentWindow(benchmark::State& st) {
  setup_threads();
  const layers::Cell cell = st.range(0) == 0 ? layers::Cell::kLstm
                            : st.range(0) == 1 ? layers::Cell::kGru : layers::Cell::kRnnTanh;
  const int T = st.range(1), B = st.range(2), H = st.range(3), GH = layers::gate_count(cell) * H;
  const double a = 1.0 / std::sqrt(H);
  auto w_ih = rand_vec(static_cast<size_t>(GH) * H, 1, a), w_hh = rand_vec(static_cast<size_t>(GH) * H, 2, a),
       b_ih = rand_vec(GH, 3, a), b_hh = rand_vec(GH, 4, a);
  auto x = rand_vec(static_cast<size_t>(T) * B * H, 5, 1.0), dy = rand_vec(static_cast<size_t>(T) * B * H, 6, 1e-2);
  std::vector<float> gw_ih(w_ih.size()), gw_hh(w_hh.size()), gb_ih(GH), gb_hh(GH), dx(x.size());
  layers::Recurrent<float> layer(cell, H, H);
  layers::RecurrentWeights<float> w{w_ih.data(), w_hh.data(), b_ih.data(), b_hh.data()};
  layers::RecurrentGrads<float> g{gw_ih.data(), gw_hh.data(), gb_ih.data(), gb_hh.data()};
  ops::set_fast_kernels(!kRef);
  layer.forward(w, T, B, x.data(), nullptr, nullptr, nullptr);
  for (auto _ : st) {
    if (kBackward) layer.backward(w, g, dy.data(), nullptr, nullptr, dx.data(), nullptr, nullptr);
    else layer.forward(w, T, B, x.data(), nullptr, nullptr, nullptr);
    benchmark::ClobberMemory();
  }
  ops::set_fast_kernels(true);
  st.counters["tok/s"] = benchmark::Counter(static_cast<double>(T) * B, benchmark::Counter::kIsIterationInvariantRate);
}

#define GATE_SHAPES ->ArgNames({"B", "H"})->Args({64, 128})->Args({32, 512})->Args({32, 1024})
BENCHMARK(BM_LstmForward<false>) GATE_SHAPES;
BENCHMARK(BM_LstmForward<true>) GATE_SHAPES;
BENCHMARK(BM_LstmBackward<false>) GATE_SHAPES;
BENCHMARK(BM_LstmBackward<true>) GATE_SHAPES;
BENCHMARK(BM_GruForward<false>) GATE_SHAPES;
BENCHMARK(BM_GruForward<true>) GATE_SHAPES;
BENCHMARK(BM_GruBackward<false>) GATE_SHAPES;
BENCHMARK(BM_GruBackward<true>) GATE_SHAPES;
BENCHMARK(BM_RnnForward<false>) GATE_SHAPES;
BENCHMARK(BM_RnnForward<true>) GATE_SHAPES;
#define CE_SHAPES ->ArgNames({"N", "V"})->Args({4096, 65})->Args({700, 10000})->Unit(benchmark::kMicrosecond)
BENCHMARK(BM_SoftmaxCe<false>) CE_SHAPES;
BENCHMARK(BM_SoftmaxCe<true>) CE_SHAPES;
#define WINDOW_SHAPES                                                        \
  ->ArgNames({"cell", "T", "B", "H"})->Args({0, 16, 64, 128})->Args({0, 16, 32, 512})->Args({0, 100, 32, 512})->Args({0, 50, 32, 1024}) \
      ->Args({1, 16, 32, 512})->Args({2, 16, 32, 512})->Unit(benchmark::kMillisecond)
BENCHMARK(BM_RecurrentWindow<false, false>) WINDOW_SHAPES;
BENCHMARK(BM_RecurrentWindow<true, false>) WINDOW_SHAPES;
BENCHMARK(BM_RecurrentWindow<false, true>) WINDOW_SHAPES;
BENCHMARK(BM_RecurrentWindow<true, true>) WINDOW_SHAPES;

}  // namespace

BENCHMARK_MAIN();
