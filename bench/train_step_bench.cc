// Stand-in for `rnngen bench`: times whole training steps of RnnLm<float> on synthetic token
// ids (forward, mean cross-entropy, backward, clip_grad_norm(5) and Adam from src/train), the
// same work bench/vs_pytorch.py times on the PyTorch side. Prints one JSON object:
//   {"tokens_per_s": median, "tokens_per_s_min": .., "tokens_per_s_max": .., "peak_rss_mb": ..,
//    "cpu_tokens_per_s": tokens per second of process CPU time (robust to a shared machine at
//    1 thread; at N threads it is per-core throughput), "step_ms": median wall ms per step}
//
//   train_step_bench --cell lstm --vocab 65 --embed 64 --hidden 128 --layers 1 --batch 64
//                    --seq 64 [--dropout 0] [--carry] [--threads 1] [--steps 10] [--repeats 5]
//                    [--warmup 3] [--seed 1]
// Each repeat runs --steps steps; tokens/s per repeat = steps*B*T / seconds.
#include <sys/resource.h>
#include <time.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "models/init.h"
#include "models/rnnlm.h"
#include "ops/gemm.h"
#include "train/clip.h"
#include "train/optimizer.h"
#include "util/rng.h"

using namespace rnngen;

namespace {

struct Args {
  std::string cell = "lstm";
  int vocab = 65, embed = 64, hidden = 128, layers = 1, batch = 64, seq = 64;
  double dropout = 0;
  bool carry = false;
  int threads = 1, steps = 10, repeats = 5, warmup = 3;
  uint64_t seed = 1;
};

Args parse(int argc, char** argv) {
  Args a;
  for (int i = 1; i < argc; ++i) {
    std::string k = argv[i];
    auto next = [&]() -> const char* {
      if (i + 1 >= argc) {
        std::fprintf(stderr, "train_step_bench: %s needs a value\n", k.c_str());
        std::exit(2);
      }
      return argv[++i];
    };
    if (k == "--cell") a.cell = next();
    else if (k == "--vocab") a.vocab = std::atoi(next());
    else if (k == "--embed") a.embed = std::atoi(next());
    else if (k == "--hidden") a.hidden = std::atoi(next());
    else if (k == "--layers") a.layers = std::atoi(next());
    else if (k == "--batch") a.batch = std::atoi(next());
    else if (k == "--seq") a.seq = std::atoi(next());
    else if (k == "--dropout") a.dropout = std::atof(next());
    else if (k == "--carry") a.carry = true;
    else if (k == "--threads") a.threads = std::atoi(next());
    else if (k == "--steps") a.steps = std::atoi(next());
    else if (k == "--repeats") a.repeats = std::atoi(next());
    else if (k == "--warmup") a.warmup = std::atoi(next());
    else if (k == "--seed") a.seed = std::strtoull(next(), nullptr, 10);
    else {
      std::fprintf(stderr, "train_step_bench: unknown option %s\n", k.c_str());
      std::exit(2);
    }
  }
  return a;
}

double cpu_seconds() {
  timespec ts;
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return ts.tv_sec + 1e-9 * ts.tv_nsec;
}

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  const size_t n = v.size();
  return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

}  // namespace

int main(int argc, char** argv) {
  const Args a = parse(argc, argv);
  ops::set_num_threads(a.threads);
  ModelConfig cfg;
  cfg.cell = a.cell;
  cfg.vocab_size = a.vocab;
  cfg.embed_size = a.embed;
  cfg.hidden_size = a.hidden;
  cfg.num_layers = a.layers;
  cfg.dropout = a.dropout;
  models::RnnLm<float> model(cfg);
  Rng rng(a.seed);
  models::init_params(cfg, model.table(), models::parse_init("pytorch"), rng, model.params());

  const int B = a.batch, T = a.seq;
  std::vector<int32_t> ids(static_cast<size_t>(B) * (T + 1));
  auto adam = make_optimizer(AdamOptions{}, model.num_params());
  models::LmState<float> state, next;
  model.zero_state(B, state);
  std::vector<int32_t> x(static_cast<size_t>(B) * T), y(static_cast<size_t>(B) * T);
  double loss = 0;
  auto one_step = [&] {
    for (auto& id : ids) id = static_cast<int32_t>(rng.below(a.vocab));
    for (int b = 0; b < B; ++b)
      for (int t = 0; t < T; ++t) {
        x[static_cast<size_t>(b) * T + t] = ids[static_cast<size_t>(b) * (T + 1) + t];
        y[static_cast<size_t>(b) * T + t] = ids[static_cast<size_t>(b) * (T + 1) + t + 1];
      }
    model.zero_grads();
    models::ForwardOptions opt;
    opt.dropout = a.dropout > 0;
    opt.keep_grad = true;
    const double nll =
        model.forward(x.data(), y.data(), B, T, a.carry ? &state : nullptr, opt, &rng);
    loss = nll / model.counted();
    model.backward(1.0f / static_cast<float>(model.counted()), nullptr);
    clip_grad_norm(model.grads(), model.num_params(), 5.0);
    adam->step(model.params(), model.grads(), 1e-3);
    if (a.carry) {
      model.final_state(next);
      std::swap(state, next);
    }
  };
  for (int i = 0; i < a.warmup; ++i) one_step();
  std::vector<double> tps, ms, cpu_tps;
  for (int r = 0; r < a.repeats; ++r) {
    auto t0 = std::chrono::steady_clock::now();
    const double c0 = cpu_seconds();
    for (int i = 0; i < a.steps; ++i) one_step();
    const double s =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    const double cs = cpu_seconds() - c0;
    tps.push_back(static_cast<double>(a.steps) * B * T / s);
    cpu_tps.push_back(static_cast<double>(a.steps) * B * T / cs);
    ms.push_back(1e3 * s / a.steps);
  }
  struct rusage ru;
  getrusage(RUSAGE_SELF, &ru);
  std::printf(
      "{\"impl\": \"rnngen\", \"cell\": \"%s\", \"hidden\": %d, \"layers\": %d, \"batch\": %d, "
      "\"seq\": %d, \"threads\": %d, \"tokens_per_s\": %.1f, \"tokens_per_s_min\": %.1f, "
      "\"tokens_per_s_max\": %.1f, \"cpu_tokens_per_s\": %.1f, \"step_ms\": %.3f, "
      "\"peak_rss_mb\": %.1f, \"loss\": %.4f}\n",
      a.cell.c_str(), a.hidden, a.layers, B, T, a.threads, median(tps),
      *std::min_element(tps.begin(), tps.end()), *std::max_element(tps.begin(), tps.end()),
      median(cpu_tps), median(ms), ru.ru_maxrss / 1024.0, loss);
  return 0;
}
