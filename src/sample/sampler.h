// Turning one vector of logits into one token id: bans, temperature, top-k, top-p, greedy.
//
// The pipeline, in this order (what `rnngen sample` and the server apply to every token):
//   1. ban:         banned ids get probability 0 (--skip-tokens)
//   2. temperature: p_i proportional to exp(logit_i / T), in double, after subtracting the max
//                   logit (the seeds' reweight_distribution: p^(1/T) renormalised is the same)
//   3. top-k:       keep the k most probable tokens (ties: lower id first); 0 = off
//   4. top-p:       keep the smallest prefix of the most probable tokens (same order) whose
//                   probability, renormalised after top-k, sums to >= p; always >= 1 token
//   5. renormalise, then draw one token with Rng::uniform()
// T == 0 (or 1/T overflowing) or greedy means argmax over the tokens that are not banned (ties: lowest id).
#pragma once
#include <cmath>
#include <vector>

#include "util/rng.h"

namespace rnngen {

struct SampleOptions {
  double temperature = 1.0;  // >= 0; 0 = greedy                          (--temperature)
  bool greedy = false;       //                                           (--greedy)
  int top_k = 0;             // >= 0; 0 = off                             (--top-k)
  double top_p = 1.0;        // in (0, 1]; 1 = off                        (--top-p)
  std::vector<int> banned;   // ids that are never emitted                (--skip-tokens)

  // A temperature so small that 1/T overflows (below about 5.6e-309) is the T -> 0 limit:
  // computing exp(x/T) there would give 0 * inf = NaN for the largest logit.
  bool is_greedy() const { return greedy || !std::isfinite(1.0 / temperature); }
};

// Throws InputError naming the flag when an option is out of range.
void validate(const SampleOptions& opts);

// The exact distribution the sampler draws from, over all V ids (zeros for excluded ones).
// Validates `opts`; throws InputError for a banned id outside [0, V) or when every id is banned,
// std::runtime_error when the logits are not finite where it matters (a diverged model).
void sampling_distribution(const float* logits, int V, const SampleOptions& opts,
                           std::vector<double>& probs);

// Holds the validated options and the scratch buffers, so that after the first call with a
// given V, sample() does no allocation.
class Sampler {
 public:
  explicit Sampler(SampleOptions opts);  // validates

  int sample(const float* logits, int V, Rng& rng);
  // The distribution used by the last sample() call (one-hot for a greedy pick).
  const std::vector<double>& last_distribution() const { return probs_; }
  const SampleOptions& options() const { return opts_; }

 private:
  SampleOptions opts_;
  std::vector<double> probs_;
  std::vector<int> order_;
};

namespace detail {
// The shared worker: fills probs (size V) with the final distribution, using `order` as scratch.
void distribution(const float* logits, int V, const SampleOptions& opts, std::vector<double>& probs,
                  std::vector<int>& order);
// argmax over non-banned ids, ties to the lowest id; `scratch` receives the masked logits.
int greedy_pick(const float* logits, int V, const SampleOptions& opts, std::vector<double>& scratch);
}  // namespace detail

}  // namespace rnngen
