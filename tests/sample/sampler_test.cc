// The sampler against distributions computed here from the textbook formulas, then its draws
// against those distributions with a chi-square goodness-of-fit test.
#include "sample/sampler.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <numeric>
#include <string>
#include <vector>

#include "rnngen/error.h"

namespace rnngen {
namespace {

// Distinct values, so every ordering below is unambiguous.
const std::vector<float> kLogits = {1.0f, 2.5f, -0.5f, 0.3f, 1.7f, -1.2f, 0.9f, 2.0f};
constexpr int kV = 8;

// The reference: plain softmax(l / T) without the max shift (the logits are small), then the
// k largest, then the shortest prefix reaching p, each step renormalised. Deliberately written
// differently from the library (sort of a copy, explicit loops, no sign tricks).
std::vector<double> reference(double T, int top_k, double top_p, std::vector<int> banned = {}) {
  std::vector<double> p(kV);
  for (int i = 0; i < kV; ++i) {
    const bool is_banned = std::find(banned.begin(), banned.end(), i) != banned.end();
    p[i] = is_banned ? 0.0 : std::exp(static_cast<double>(kLogits[i]) / T);
  }
  double z = std::accumulate(p.begin(), p.end(), 0.0);
  for (auto& v : p) v /= z;

  std::vector<int> ids(kV);
  std::iota(ids.begin(), ids.end(), 0);
  std::stable_sort(ids.begin(), ids.end(), [&](int a, int b) { return p[a] > p[b]; });
  std::vector<int> keep;
  for (int i : ids)
    if (p[i] > 0) keep.push_back(i);
  if (top_k > 0 && top_k < static_cast<int>(keep.size())) keep.resize(top_k);

  double mass = 0;
  for (int i : keep) mass += p[i];
  std::vector<int> nucleus;
  double cum = 0;
  for (int i : keep) {
    nucleus.push_back(i);
    cum += p[i] / mass;
    if (cum >= top_p) break;
  }
  double nmass = 0;
  for (int i : nucleus) nmass += p[i];
  std::vector<double> out(kV, 0.0);
  for (int i : nucleus) out[i] = p[i] / nmass;
  return out;
}

struct Case {
  const char* name;
  SampleOptions opts;
  std::vector<double> expected;
};

std::vector<Case> cases() {
  auto opts = [](double T, int k, double p, std::vector<int> banned = {}) {
    SampleOptions o;
    o.temperature = T;
    o.top_k = k;
    o.top_p = p;
    o.banned = std::move(banned);
    return o;
  };
  // Top-p values sit well away from the cumulative sums (checked when choosing them), so the
  // nucleus does not depend on rounding: T=1 sums 0.375, 0.603, 0.771, 0.855, ...
  return {
      {"T1", opts(1.0, 0, 1.0), reference(1.0, 0, 1.0)},
      {"T0.5", opts(0.5, 0, 1.0), reference(0.5, 0, 1.0)},
      {"T2", opts(2.0, 0, 1.0), reference(2.0, 0, 1.0)},
      {"T1.3_k3", opts(1.3, 3, 1.0), reference(1.3, 3, 1.0)},
      {"T1_p0.8", opts(1.0, 0, 0.8), reference(1.0, 0, 0.8)},
      {"T0.8_k5_p0.9", opts(0.8, 5, 0.9), reference(0.8, 5, 0.9)},
      {"T1.5_p0.6", opts(1.5, 0, 0.6), reference(1.5, 0, 0.6)},
      {"T1_ban1_7", opts(1.0, 0, 1.0, {1, 7}), reference(1.0, 0, 1.0, {1, 7})},
      {"T0.7_ban1_k2", opts(0.7, 2, 1.0, {1}), reference(0.7, 2, 1.0, {1})},
  };
}

// Pearson's statistic over the categories with expected probability > 0; a draw in a
// category with probability 0 makes it infinite.
double chi_square(const std::vector<long>& counts, const std::vector<double>& p, long n, int* df) {
  double stat = 0;
  int cats = 0;
  for (size_t i = 0; i < p.size(); ++i) {
    if (p[i] == 0) {
      if (counts[i] > 0) return INFINITY;
      continue;
    }
    const double e = p[i] * n;
    stat += (counts[i] - e) * (counts[i] - e) / e;
    ++cats;
  }
  *df = cats - 1;
  return stat;
}

// Upper 1e-6 quantiles of the chi-square distribution (alpha = 1e-6), by degrees of freedom,
// from bisecting torch.special.gammaincc(df/2, x/2) = 1e-6 in float64 (df 1 agrees with the
// tables: 23.928). With alpha this small a correct sampler fails about once in a million runs
// per case, and the seeds are fixed anyway.
double critical_value(int df) {
  static const double kCrit[] = {0, 23.9281, 27.6310, 30.6648, 33.3768, 35.8882, 38.2583, 40.5218};
  EXPECT_GE(df, 1);
  EXPECT_LE(df, 7);
  return kCrit[df];
}

TEST(Sampler, DistributionMatchesReference) {
  std::vector<double> probs;
  for (const auto& c : cases()) {
    sampling_distribution(kLogits.data(), kV, c.opts, probs);
    ASSERT_EQ(probs.size(), static_cast<size_t>(kV));
    for (int i = 0; i < kV; ++i) EXPECT_NEAR(probs[i], c.expected[i], 1e-12) << c.name << " id " << i;
  }
}

TEST(Sampler, ReferenceCasesHaveTheExpectedSupport) {
  // Guards the reference itself against silently degenerating (e.g. every case full support).
  auto support = [](const std::vector<double>& p) {
    return static_cast<int>(std::count_if(p.begin(), p.end(), [](double v) { return v > 0; }));
  };
  EXPECT_EQ(support(reference(1.0, 0, 0.8)), 4);
  EXPECT_EQ(support(reference(0.8, 5, 0.9)), 4);
  EXPECT_EQ(support(reference(1.5, 0, 0.6)), 3);
  EXPECT_EQ(support(reference(1.3, 3, 1.0)), 3);
}

std::vector<long> draw_counts(const SampleOptions& opts, long n, uint64_t seed) {
  Sampler sampler(opts);
  Rng rng(seed);
  std::vector<long> counts(kV, 0);
  for (long i = 0; i < n; ++i) ++counts.at(sampler.sample(kLogits.data(), kV, rng));
  return counts;
}

TEST(Sampler, DrawsFitTheDistribution) {
  const long n = 200000;
  uint64_t seed = 1234;
  for (const auto& c : cases()) {
    const auto counts = draw_counts(c.opts, n, seed++);
    int df = 0;
    const double stat = chi_square(counts, c.expected, n, &df);
    EXPECT_LT(stat, critical_value(df)) << c.name << " df " << df;
  }
}

TEST(Sampler, ChiSquareRejectsAWrongDistribution) {
  // Draws at T = 1 tested against T = 1.1: a small but real difference the test must see.
  const long n = 200000;
  const auto counts = draw_counts(cases()[0].opts, n, 99);
  int df = 0;
  const double stat = chi_square(counts, reference(1.1, 0, 1.0), n, &df);
  EXPECT_EQ(df, 7);
  EXPECT_GT(stat, critical_value(df));
  // And a draw where the expected probability is zero is an outright rejection.
  EXPECT_EQ(chi_square({1, 0, 0, 0, 0, 0, 0, 0}, {0, 1, 0, 0, 0, 0, 0, 0}, 1, &df), INFINITY);
}

TEST(Sampler, GreedyPicksArgmaxAndLowestIdOnTies) {
  Rng rng(1);
  SampleOptions g;
  g.greedy = true;
  Sampler greedy(g);
  EXPECT_EQ(greedy.sample(kLogits.data(), kV, rng), 1);
  SampleOptions t0;
  t0.temperature = 0;
  EXPECT_EQ(Sampler(t0).sample(kLogits.data(), kV, rng), 1);
  const std::vector<float> tied = {0.f, 3.f, 1.f, 3.f};
  EXPECT_EQ(greedy.sample(tied.data(), 4, rng), 1);
  g.banned = {1};
  EXPECT_EQ(Sampler(g).sample(tied.data(), 4, rng), 3);
  g.banned = {1, 7};
  EXPECT_EQ(Sampler(g).sample(kLogits.data(), kV, rng), 4);
}

TEST(Sampler, TemperatureWhoseReciprocalOverflowsIsGreedy) {
  // 1e-320 is subnormal: 1/T is inf, and exp((max - max) / T) would be NaN, which once drew the
  // last id every time. The limit T -> 0 is the argmax.
  for (double t : {1e-320, 1e-310, 4.9e-324}) {
    SampleOptions o;
    o.temperature = t;
    std::vector<double> probs;
    sampling_distribution(kLogits.data(), kV, o, probs);
    for (int i = 0; i < kV; ++i) EXPECT_EQ(probs[i], i == 1 ? 1.0 : 0.0) << "T " << t << " id " << i;
    Rng rng(3);
    EXPECT_EQ(Sampler(o).sample(kLogits.data(), kV, rng), 1) << "T " << t;
  }
  SampleOptions small;  // still finite: a real, very sharp softmax, not the greedy branch
  small.temperature = 1e-300;
  EXPECT_FALSE(small.is_greedy());
  std::vector<double> probs;
  sampling_distribution(kLogits.data(), kV, small, probs);
  EXPECT_EQ(probs[1], 1.0);
}

TEST(Sampler, TopKOneEqualsGreedy) {
  SampleOptions k1;
  k1.top_k = 1;
  k1.temperature = 1.7;
  Sampler s(k1);
  Rng rng(5);
  for (int i = 0; i < 1000; ++i) ASSERT_EQ(s.sample(kLogits.data(), kV, rng), 1);
  const std::vector<float> tied = {0.f, 3.f, 1.f, 3.f};
  for (int i = 0; i < 100; ++i) ASSERT_EQ(s.sample(tied.data(), 4, rng), 1);
}

TEST(Sampler, BannedTokensNeverAppear) {
  SampleOptions o;
  o.temperature = 5.0;  // flat, so a leak would show quickly
  o.banned = {1, 4, 7};
  Sampler s(o);
  Rng rng(3);
  for (int i = 0; i < 100000; ++i) {
    const int t = s.sample(kLogits.data(), kV, rng);
    ASSERT_TRUE(t != 1 && t != 4 && t != 7) << t;
  }
}

TEST(Sampler, RejectsBadOptionsNamingTheFlag) {
  auto message = [](SampleOptions o) -> std::string {
    try {
      Sampler s(o);
    } catch (const InputError& e) {
      return e.what();
    }
    return "";
  };
  SampleOptions o;
  o.top_p = 1.5;
  EXPECT_EQ(message(o), "--top-p must be in (0, 1], got 1.5");
  o.top_p = 0.0;
  EXPECT_EQ(message(o), "--top-p must be in (0, 1], got 0");
  o = {};
  o.top_k = -1;
  EXPECT_EQ(message(o), "--top-k must be >= 0, got -1");
  o = {};
  o.temperature = -0.5;
  EXPECT_NE(message(o).find("--temperature"), std::string::npos);
  o.temperature = NAN;
  EXPECT_NE(message(o).find("--temperature"), std::string::npos);
  o = {};
  o.banned = {-2};
  EXPECT_NE(message(o).find("--skip-tokens"), std::string::npos);
}

TEST(Sampler, RejectsBansOutsideOrCoveringTheVocabulary) {
  std::vector<double> probs;
  SampleOptions o;
  o.banned = {8};
  EXPECT_THROW(sampling_distribution(kLogits.data(), kV, o, probs), InputError);
  o.banned = {0, 1, 2, 3};
  const std::vector<float> four = {0.f, 1.f, 2.f, 3.f};
  EXPECT_THROW(sampling_distribution(four.data(), 4, o, probs), InputError);
  o.greedy = true;
  EXPECT_THROW(sampling_distribution(four.data(), 4, o, probs), InputError);
}

TEST(Sampler, NonFiniteLogitIsAnError) {
  std::vector<double> probs;
  const std::vector<float> bad = {0.f, NAN, 1.f};
  EXPECT_THROW(sampling_distribution(bad.data(), 3, SampleOptions{}, probs), std::runtime_error);
}

TEST(Sampler, LargeLogitsDoNotOverflow) {
  const std::vector<float> big = {1000.f, 1001.f, 999.f};
  std::vector<double> probs;
  sampling_distribution(big.data(), 3, SampleOptions{}, probs);
  const double z = std::exp(-1.0) + 1.0 + std::exp(-2.0);
  EXPECT_NEAR(probs[0], std::exp(-1.0) / z, 1e-12);
  EXPECT_NEAR(probs[1], 1.0 / z, 1e-12);
  EXPECT_NEAR(probs[2], std::exp(-2.0) / z, 1e-12);
}

TEST(Sampler, WarmPathDoesNotReallocateScratch) {
  SampleOptions o;
  o.top_p = 0.9;
  o.top_k = 5;
  Sampler s(o);
  Rng rng(8);
  s.sample(kLogits.data(), kV, rng);
  const double* before = s.last_distribution().data();
  for (int i = 0; i < 100; ++i) s.sample(kLogits.data(), kV, rng);
  EXPECT_EQ(s.last_distribution().data(), before);
}

}  // namespace
}  // namespace rnngen
