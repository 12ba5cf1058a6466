#include "train/bench.h"

#include <immintrin.h>
#include <sys/resource.h>
#include <time.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <nlohmann/json.hpp>
#include <vector>

#include "models/init.h"
#include "models/lm_step.h"
#include "models/rnnlm.h"
#include "ops/gemm.h"
#include "ops/gemm_stats.h"
#include "rnngen/error.h"
#include "train/clip.h"
#include "train/optimizer.h"
#include "train/options.h"
#include "util/rng.h"

namespace rnngen::train {

namespace {

double cpu_seconds() {
  timespec ts;
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return ts.tv_sec + 1e-9 * ts.tv_nsec;
}
double wall_seconds() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

Spread spread(std::vector<double> v) {
  Spread s;
  if (v.empty()) return s;
  std::sort(v.begin(), v.end());
  const size_t n = v.size();
  s.median = n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
  s.min = v.front();
  s.max = v.back();
  return s;
}

// Times `reps` repeats of `body` (which does `units` units of work); per repeat: units per
// wall second and per CPU second.
template <typename F>
void time_repeats(int reps, double units, F&& body, std::vector<double>& per_wall,
                  std::vector<double>& per_cpu) {
  for (int r = 0; r < reps; ++r) {
    const double w0 = wall_seconds(), c0 = cpu_seconds();
    body();
    const double w = wall_seconds() - w0, c = cpu_seconds() - c0;
    per_wall.push_back(units / w);
    per_cpu.push_back(units / std::max(c, 1e-9));
  }
}

// Sums a buffer of `bytes` with 4 independent AVX accumulators: the read bandwidth of a
// stream as large as one token's weights (from L3 or DRAM, whichever holds them).
float read_sum(const float* p, size_t n) {
  __m256 a0 = _mm256_setzero_ps(), a1 = a0, a2 = a0, a3 = a0;
  size_t k = 0;
  for (; k + 32 <= n; k += 32) {
    a0 = _mm256_add_ps(a0, _mm256_loadu_ps(p + k));
    a1 = _mm256_add_ps(a1, _mm256_loadu_ps(p + k + 8));
    a2 = _mm256_add_ps(a2, _mm256_loadu_ps(p + k + 16));
    a3 = _mm256_add_ps(a3, _mm256_loadu_ps(p + k + 24));
  }
  alignas(32) float t[8];
  _mm256_store_ps(t, _mm256_add_ps(_mm256_add_ps(a0, a1), _mm256_add_ps(a2, a3)));
  float s = 0;
  for (float v : t) s += v;
  for (; k < n; ++k) s += p[k];
  return s;
}

}  // namespace

BenchResult run_bench(const BenchOptions& o) {
  if (o.mode != "train" && o.mode != "generate" && o.mode != "both")
    throw InputError("--mode must be train, generate or both");
  if (o.repeats < 1 || o.batch < 1 || o.seq < 1 || o.vocab < 2 || o.hidden < 1 || o.layers < 1)
    throw InputError("bench: sizes and --repeats must be positive (vocab >= 2)");
  check_precision(o.precision);
  BenchResult res;
  res.opt = o;
  ops::set_num_threads(o.threads);
  const PrecisionScope precision(o.precision);
  ModelConfig cfg;
  cfg.cell = o.cell;
  cfg.vocab_size = o.vocab;
  cfg.embed_size = o.embed;
  cfg.hidden_size = o.hidden;
  cfg.num_layers = o.layers;
  cfg.dropout = o.dropout;
  models::RnnLm<float> model(cfg);
  Rng rng(o.seed);
  models::init_params(cfg, model.table(), models::parse_init("pytorch"), rng, model.params());
  const double work_per_token = static_cast<double>(model.num_params());  // rough, for auto sizes

  if (o.mode != "generate") {
    const int B = o.batch, T = o.seq;
    const size_t n = static_cast<size_t>(B) * T;
    std::vector<int32_t> ids(static_cast<size_t>(B) * (T + 1)), x(n), y(n);
    auto adam = make_optimizer(AdamOptions{}, model.num_params());
    models::LmState<float> state, next;
    model.zero_state(B, state);
    auto one_step = [&] {
      for (auto& id : ids) id = static_cast<int32_t>(rng.below(o.vocab));
      for (int b = 0; b < B; ++b)
        for (int t = 0; t < T; ++t) {
          x[static_cast<size_t>(b) * T + t] = ids[static_cast<size_t>(b) * (T + 1) + t];
          y[static_cast<size_t>(b) * T + t] = ids[static_cast<size_t>(b) * (T + 1) + t + 1];
        }
      model.zero_grads();
      models::ForwardOptions fo;
      fo.dropout = o.dropout > 0;
      fo.keep_grad = true;
      const layers::DropoutKey drop{rng.next_u64(), 0};
      const double nll = model.forward(x.data(), y.data(), B, T, o.carry ? &state : nullptr, fo, &drop);
      res.loss = nll / model.counted();
      model.backward(1.0f / static_cast<float>(model.counted()), nullptr);
      const double norm = grad_norm(model.grads(), model.num_params());
      adam->step(model.params(), model.grads(), 1e-3, clip_factor(norm, 5.0));
      if (o.carry) {
        model.final_state(next);
        std::swap(state, next);
      }
    };
    for (int i = 0; i < o.warmup; ++i) one_step();
    int steps = o.steps;
    if (steps <= 0) {  // about 0.5 s of CPU per repeat, from one timed step
      const double c0 = cpu_seconds();
      one_step();
      steps = std::clamp(static_cast<int>(0.5 / std::max(cpu_seconds() - c0, 1e-6)), 1, 1000);
    }
    res.train_steps = steps;
    std::vector<double> wall, cpu;
    ops::gemm_stats_take();
    ops::gemm_stats_enable(o.gemm_stats);
    time_repeats(o.repeats, static_cast<double>(steps) * n, [&] { for (int i = 0; i < steps; ++i) one_step(); }, wall, cpu);
    ops::gemm_stats_enable(false);
    if (o.gemm_stats) {
      const ops::GemmStats g = ops::gemm_stats_take();
      double total_wall = 0;
      for (double tps : wall) total_wall += static_cast<double>(steps) * n / tps;
      res.gemm_gflop_per_step = g.flops / (static_cast<double>(steps) * o.repeats) / 1e9;
      res.gemm_gflops = g.seconds > 0 ? g.flops / g.seconds / 1e9 : 0;
      res.step_gflops = g.flops / total_wall / 1e9;
      res.gemm_time_share = g.seconds / total_wall;
    }
    res.train_tps = spread(wall);
    res.train_cpu_tps = spread(cpu);
    std::vector<double> ms;
    for (double t : wall) ms.push_back(1e3 * n / t);
    res.step_ms = spread(ms);
  }

  if (o.mode != "train") {
    models::LmStepper st(model, models::parse_weight_format(o.weights));
    res.weight_bytes = static_cast<double>(st.weight_bytes());
    const int toks = o.gen_tokens > 0 ? o.gen_tokens : std::clamp(static_cast<int>(2e8 / work_per_token), 20, 2000);
    auto gen = [&](int B, int n_tokens) {
      std::vector<int32_t> cur(B);
      for (int b = 0; b < B; ++b) cur[b] = static_cast<int32_t>(rng.below(o.vocab));
      for (int i = 0; i < n_tokens; ++i) {
        const float* lg = st.step(cur.data());
        for (int b = 0; b < B; ++b) {
          const float* row = lg + static_cast<size_t>(b) * o.vocab;
          cur[b] = static_cast<int32_t>(std::max_element(row, row + o.vocab) - row);
        }
      }
    };
    st.reset(1);
    gen(1, std::max(1, toks / 10));  // warm-up
    std::vector<double> wall, cpu;
    time_repeats(o.repeats, toks, [&] { gen(1, toks); }, wall, cpu);
    std::vector<double> ms;
    for (double t : wall) ms.push_back(1e3 / t);
    res.gen1_ms = spread(ms);
    res.gen1_cpu_tps = spread(cpu);

    const int GB = o.gen_batch;
    if (GB > 1) {
      st.set_exact_batching(o.exact_batching);
      st.reset(GB);
      const int tb = std::max(5, toks / std::max(1, GB / 4));
      gen(GB, std::max(1, tb / 10));
      wall.clear();
      cpu.clear();
      time_repeats(o.repeats, static_cast<double>(tb) * GB, [&] { gen(GB, tb); }, wall, cpu);
      res.genb_tps = spread(wall);
      res.genb_cpu_tps = spread(cpu);
    }

    // Read bandwidth over as many bytes as one token's weights, repeated like the tokens are.
    std::vector<float> buf(static_cast<size_t>(res.weight_bytes / 4), 1.0f);
    volatile float sink = 0;
    for (int i = 0; i < 3; ++i) sink = sink + read_sum(buf.data(), buf.size());
    std::vector<double> gbs;
    for (int r = 0; r < std::max(5, o.repeats); ++r) {
      const int passes = 20;
      const double c0 = cpu_seconds();  // CPU time: on a shared machine wall time is mostly waiting
      for (int i = 0; i < passes; ++i) sink = sink + read_sum(buf.data(), buf.size());
      gbs.push_back(passes * res.weight_bytes / std::max(cpu_seconds() - c0, 1e-9) / 1e9);
    }
    res.bandwidth_gbs = spread(gbs);
    res.floor_ms = res.weight_bytes / (res.bandwidth_gbs.median * 1e9) * 1e3;
    if (GB > 1 && o.weights != "int8") {  // int8 runs integer GEMMs: the SGEMM peak says nothing of them
      const models::StepWeights w = models::step_weight_counts(cfg);
      res.genb_gflop_per_step = 2.0 * static_cast<double>(w.recurrent + w.decoder) * GB / 1e9;
    }
  }

  struct rusage ru;
  getrusage(RUSAGE_SELF, &ru);
  res.peak_rss_mb = ru.ru_maxrss / 1024.0;
  if (o.gemm_stats && o.mode != "generate") res.sgemm_peak_gflops = ops::sgemm_peak_gflops(o.peak_size, 3);
  if (res.genb_gflop_per_step > 0) {
    res.genb_peak_gflops = res.sgemm_peak_gflops > 0 ? res.sgemm_peak_gflops : ops::sgemm_peak_gflops(o.peak_size, 3);
    res.genb_floor_ms = std::max(res.genb_gflop_per_step / res.genb_peak_gflops * 1e3, res.floor_ms);
  }
  return res;
}

std::string bench_json(const BenchResult& r) {
  const BenchOptions& o = r.opt;
  auto sp = [](const Spread& s) { return nlohmann::ordered_json{{"median", s.median}, {"min", s.min}, {"max", s.max}}; };
  nlohmann::ordered_json j;
  j["impl"] = "rnngen";
  j["cell"] = o.cell;
  j["vocab"] = o.vocab;
  j["embed"] = o.embed;
  j["hidden"] = o.hidden;
  j["layers"] = o.layers;
  j["batch"] = o.batch;
  j["seq"] = o.seq;
  j["dropout"] = o.dropout;
  j["threads"] = o.threads;
  j["precision"] = o.precision;
  j["repeats"] = o.repeats;
  if (o.mode != "generate") {
    j["train_steps_per_repeat"] = r.train_steps;
    j["tokens_per_s"] = r.train_tps.median;  // flat copies for scripts
    j["cpu_tokens_per_s"] = r.train_cpu_tps.median;
    j["train_tokens_per_s"] = sp(r.train_tps);
    j["train_cpu_tokens_per_s"] = sp(r.train_cpu_tps);
    j["step_ms"] = sp(r.step_ms);
    j["loss"] = r.loss;
    if (o.gemm_stats) {
      j["gemm"] = nlohmann::ordered_json{
          {"gflop_per_step", r.gemm_gflop_per_step},
          {"gflops_in_gemm", r.gemm_gflops},
          {"gflops_whole_step", r.step_gflops},
          {"time_share", r.gemm_time_share},
          {"sgemm_peak_gflops", r.sgemm_peak_gflops},
          {"peak_size", o.peak_size},
          {"fraction_of_peak", r.sgemm_peak_gflops > 0 ? r.gemm_gflops / r.sgemm_peak_gflops : 0.0},
          {"step_fraction_of_peak", r.sgemm_peak_gflops > 0 ? r.step_gflops / r.sgemm_peak_gflops : 0.0}};
    }
  }
  if (o.mode != "train") {
    j["gen_weights"] = o.weights;
    j["gen1_ms_per_token"] = sp(r.gen1_ms);
    j["gen1_tokens_per_s"] = r.gen1_ms.median > 0 ? 1e3 / r.gen1_ms.median : 0.0;
    j["gen1_cpu_tokens_per_s"] = sp(r.gen1_cpu_tps);
    if (o.gen_batch > 1) {
      j["gen_batch"] = o.gen_batch;
      j["exact_batching"] = o.exact_batching;
      j["genb_tokens_per_s"] = sp(r.genb_tps);
      j["genb_cpu_tokens_per_s"] = sp(r.genb_cpu_tps);
      if (r.genb_floor_ms > 0) {
        j["genb_gflop_per_step"] = r.genb_gflop_per_step;
        j["genb_sgemm_peak_gflops"] = r.genb_peak_gflops;
        j["genb_floor_ms_per_step"] = r.genb_floor_ms;
        // What the floor allows against batch 1's measured wall time per token.
        j["genb_min_time_per_token_ratio"] = r.genb_floor_ms / r.gen1_ms.median;
        j["genb_max_aggregate_ratio"] = o.gen_batch * r.gen1_ms.median / std::max(r.genb_floor_ms, r.gen1_ms.median);
      }
    }
    j["weight_bytes_per_token"] = r.weight_bytes;
    j["read_bandwidth_gbs"] = sp(r.bandwidth_gbs);
    j["floor_ms_per_token"] = r.floor_ms;
    j["gen1_cpu_ms_per_token"] = r.gen1_cpu_tps.median > 0 ? 1e3 / r.gen1_cpu_tps.median : 0.0;
    j["gen1_vs_floor"] = r.floor_ms > 0 ? j["gen1_cpu_ms_per_token"].get<double>() / r.floor_ms : 0.0;
  }
  j["peak_rss_mb"] = r.peak_rss_mb;
  return j.dump();
}

std::string bench_table(const BenchResult& r) {
  const BenchOptions& o = r.opt;
  char line[512];
  std::string s;
  std::snprintf(line, sizeof line, "%s vocab %d embed %d hidden %d x %d layers, %d thread(s), median (min..max) of %d repeats\n",
                o.cell.c_str(), o.vocab, o.embed, o.hidden, o.layers, o.threads, o.repeats);
  s += line;
  if (o.mode != "generate") {
    std::snprintf(line, sizeof line,
                  "train %dx%d%s: %.0f (%.0f..%.0f) tokens/s wall, %.0f (%.0f..%.0f) per CPU-s, %.2f ms/step, loss %.4f\n",
                  o.batch, o.seq, o.dropout > 0 ? " (dropout)" : "", r.train_tps.median, r.train_tps.min,
                  r.train_tps.max, r.train_cpu_tps.median, r.train_cpu_tps.min, r.train_cpu_tps.max,
                  r.step_ms.median, r.loss);
    s += line;
    if (o.gemm_stats) {
      std::snprintf(line, sizeof line,
                    "GEMMs: %.2f GFLOP/step, %.1f GFLOP/s inside them (%.0f%% of the step's time), %.1f over the whole step; "
                    "SGEMM peak (%d^3) %.1f GFLOP/s: %.0f%% inside, %.0f%% whole step\n",
                    r.gemm_gflop_per_step, r.gemm_gflops, 100 * r.gemm_time_share, r.step_gflops, o.peak_size,
                    r.sgemm_peak_gflops, 100 * r.gemm_gflops / r.sgemm_peak_gflops,
                    100 * r.step_gflops / r.sgemm_peak_gflops);
      s += line;
    }
  }
  if (o.mode != "train") {
    std::snprintf(line, sizeof line,
                  "generate batch 1 (%s): %.3f (%.3f..%.3f) ms/token wall, %.3f CPU-ms/token; floor %.3f ms (%.1f MB at %.1f GB/s per CPU-s), %.2fx the floor\n",
                  o.weights.c_str(), r.gen1_ms.median, r.gen1_ms.min, r.gen1_ms.max, 1e3 / r.gen1_cpu_tps.median,
                  r.floor_ms, r.weight_bytes / 1e6, r.bandwidth_gbs.median, 1e3 / r.gen1_cpu_tps.median / r.floor_ms);
    s += line;
    if (o.gen_batch > 1) {
      std::snprintf(line, sizeof line, "generate batch %d: %.0f (%.0f..%.0f) tokens/s wall, %.0f per CPU-s, %.3f ms a step\n",
                    o.gen_batch, r.genb_tps.median, r.genb_tps.min, r.genb_tps.max, r.genb_cpu_tps.median,
                    1e3 * o.gen_batch / r.genb_tps.median);
      s += line;
      if (r.genb_floor_ms > 0) {
        const double ratio = r.genb_floor_ms / r.gen1_ms.median;
        std::snprintf(line, sizeof line,
                      "  floor %.3f ms a step (%.1f MFLOP at %.1f GFLOP/s SGEMM peak): a stream's time per token "
                      ">= %.2fx batch 1's, the aggregate <= %.2fx\n",
                      r.genb_floor_ms, r.genb_gflop_per_step * 1e3, r.genb_peak_gflops, ratio,
                      o.gen_batch / std::max(ratio, 1.0));
        s += line;
      }
    }
  }
  std::snprintf(line, sizeof line, "peak RSS %.1f MB\n", r.peak_rss_mb);
  s += line;
  return s;
}

}  // namespace rnngen::train
