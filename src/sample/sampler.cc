#include "sample/sampler.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <sstream>
#include <stdexcept>
#include <string>
#include <utility>

#include "rnngen/error.h"

namespace rnngen {
namespace {

constexpr double kNegInf = -std::numeric_limits<double>::infinity();

std::string num(double v) {
  std::ostringstream os;
  os << v;
  return os.str();
}

// x = logits as double, banned ids set to -inf. resize() keeps the capacity, so no allocation
// once x has seen this V.
void load_masked(const float* logits, int V, const SampleOptions& opts, std::vector<double>& x) {
  x.resize(static_cast<size_t>(V));
  for (int i = 0; i < V; ++i) x[i] = logits[i];
  for (int id : opts.banned) {
    if (id >= V)
      throw InputError("--skip-tokens: token id " + std::to_string(id) +
                       " is outside the vocabulary (size " + std::to_string(V) + ")");
    x[id] = kNegInf;
  }
}

[[noreturn]] void nothing_left(const SampleOptions& opts) {
  if (!opts.banned.empty()) throw InputError("--skip-tokens bans every token of the vocabulary");
  throw std::runtime_error("sampling: every logit is -inf");
}

}  // namespace

void validate(const SampleOptions& opts) {
  if (!(opts.temperature >= 0.0) || !std::isfinite(opts.temperature))
    throw InputError("--temperature must be a finite number >= 0, got " + num(opts.temperature));
  if (opts.top_k < 0) throw InputError("--top-k must be >= 0, got " + std::to_string(opts.top_k));
  if (!(opts.top_p > 0.0 && opts.top_p <= 1.0))
    throw InputError("--top-p must be in (0, 1], got " + num(opts.top_p));
  for (int id : opts.banned)
    if (id < 0) throw InputError("--skip-tokens: token id " + std::to_string(id) + " is negative");
}

namespace detail {

int greedy_pick(const float* logits, int V, const SampleOptions& opts, std::vector<double>& scratch) {
  load_masked(logits, V, opts, scratch);
  int best = -1;
  double best_v = kNegInf;
  // Strict '>' keeps the lowest id among ties and never picks a NaN or a banned (-inf) id.
  for (int i = 0; i < V; ++i)
    if (scratch[i] > best_v) best_v = scratch[i], best = i;
  if (best < 0) nothing_left(opts);
  return best;
}

void distribution(const float* logits, int V, const SampleOptions& opts, std::vector<double>& probs,
                  std::vector<int>& order) {
  if (opts.is_greedy()) {
    const int pick = greedy_pick(logits, V, opts, probs);
    std::fill(probs.begin(), probs.end(), 0.0);
    probs[pick] = 1.0;
    return;
  }
  load_masked(logits, V, opts, probs);
  double max_logit = kNegInf;
  for (int i = 0; i < V; ++i) {
    const double x = probs[i];
    // -inf is a legitimate "never" (and how bans are marked); NaN or +inf means the model diverged.
    if (std::isnan(x) || x == std::numeric_limits<double>::infinity())
      throw std::runtime_error("sampling: logit " + std::to_string(i) + " is not finite (" +
                               num(x) + ")");
    max_logit = std::max(max_logit, x);
  }
  if (max_logit == kNegInf) nothing_left(opts);

  // softmax(logits / T), shifted by the max so the largest term is exactly 1 (no overflow).
  const double inv_t = 1.0 / opts.temperature;
  double total = 0.0;
  int positive = 0;
  for (int i = 0; i < V; ++i) {
    const double p = probs[i] == kNegInf ? 0.0 : std::exp((probs[i] - max_logit) * inv_t);
    probs[i] = p;
    total += p;
    positive += p > 0.0;
  }

  const int k = opts.top_k > 0 ? std::min(opts.top_k, positive) : positive;
  if (k == positive && opts.top_p == 1.0) {
    for (auto& p : probs) p /= total;
    return;
  }

  // Candidates ordered by probability, descending, ties to the lower id: a strict total order,
  // so the kept set is fully determined.
  order.clear();
  for (int i = 0; i < V; ++i)
    if (probs[i] > 0.0) order.push_back(i);
  const auto before = [&probs](int a, int b) {
    return probs[a] > probs[b] || (probs[a] == probs[b] && a < b);
  };
  int kept = k;
  double kept_mass = 0.0;
  if (opts.top_p < 1.0) {
    if (k < positive)
      std::partial_sort(order.begin(), order.begin() + k, order.end(), before);
    else
      std::sort(order.begin(), order.end(), before);
    // top-p applies to the distribution renormalised after top-k: compare against p * mass.
    double mass = 0.0;
    for (int j = 0; j < k; ++j) mass += probs[order[j]];
    const double threshold = opts.top_p * mass;
    kept = k;  // the full top-k sum reaches the threshold, since it is the same sum
    for (int j = 0; j < k; ++j) {
      kept_mass += probs[order[j]];
      if (kept_mass >= threshold) {
        kept = j + 1;
        break;
      }
    }
  } else {
    std::nth_element(order.begin(), order.begin() + (k - 1), order.end(), before);
    for (int j = 0; j < k; ++j) kept_mass += probs[order[j]];
  }

  // Mark the kept ids by sign (all are > 0), then zero the rest and renormalise in one pass.
  for (int j = 0; j < kept; ++j) probs[order[j]] = -probs[order[j]];
  for (auto& p : probs) p = p < 0.0 ? -p / kept_mass : 0.0;
}

}  // namespace detail

void sampling_distribution(const float* logits, int V, const SampleOptions& opts,
                           std::vector<double>& probs) {
  validate(opts);
  std::vector<int> order;
  detail::distribution(logits, V, opts, probs, order);
}

Sampler::Sampler(SampleOptions opts) : opts_(std::move(opts)) { validate(opts_); }

int Sampler::sample(const float* logits, int V, Rng& rng) {
  detail::distribution(logits, V, opts_, probs_, order_);
  if (opts_.is_greedy()) return static_cast<int>(std::max_element(probs_.begin(), probs_.end()) - probs_.begin());
  // Inverse CDF in id order. A zero-probability id never satisfies u < cum for the first time,
  // and rounding that leaves cum just below 1 falls back to the last possible id.
  const double u = rng.uniform();
  double cum = 0.0;
  int last = -1;
  for (int i = 0; i < V; ++i) {
    if (probs_[i] <= 0.0) continue;
    cum += probs_[i];
    last = i;
    if (u < cum) return i;
  }
  return last;
}

}  // namespace rnngen
