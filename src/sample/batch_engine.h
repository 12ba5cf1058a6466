// Continuous batching of generation streams over one network (issue 19): one thread owns an
// LmStepper in exact-batching mode and, at every step, feeds the current token of every active
// stream as one batch (each weight row read once for all of them, ops/gemv_batch.h). A stream
// joins the batch between two steps once primed, and leaves it when it is done, when its
// consumer cancels it (a disconnected client) or when it fails. Each stream keeps its own
// sampler options, stop string and RNG, so it draws exactly what continue_from() draws for the
// same primed state, options and RNG: byte for byte the text of `rnngen sample` for its seed.
//
// The engine thread samples, decodes and checks the stop string; the consumer's thread takes
// the events and does the slow part (writing to a socket), so a slow client never holds up
// the batch. The engine may run ahead of a consumer by at most the stream's length.
//
// A waiting consumer is woken for every event, or with StreamJob::coalesce for its stream's
// first event, its last, and otherwise at most every kWakeInterval: with 16 streams a wake-up,
// a JSON chunk and a socket write per token cost more CPU than the token's arithmetic, and
// on two cores even every 10 ms the wake-ups (and the clients reading them) slowed the
// batched steps by half (0.47 -> 0.71 ms at 16 streams; docs/performance.md); nobody reads
// faster than 20 updates a second. next_all() takes every event that is ready.
#pragma once
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <exception>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "models/lm_step.h"
#include "models/rnnlm.h"
#include "sample/generate.h"
#include "text/tokenizer.h"

namespace rnngen::sample {

// What continue_from() takes, for one stream.
struct StreamJob {
  std::vector<int32_t> prime_ids;
  Primed primed;
  GenerateOptions opts;
  Rng rng;
  bool want_logits = false;  // copy each token's logits [V] into its event (for logprobs)
  bool coalesce = false;     // wake the consumer at most every kWakeInterval (see above)
};

// One token drawn (id >= 0) with the text it completes (may be empty), or the decoder's last
// piece at the end (id -1).
struct StreamEvent {
  int32_t id = -1;
  std::string piece;
  std::vector<float> logits;  // StreamJob::want_logits
};

class BatchEngine;

inline constexpr std::chrono::milliseconds kWakeInterval{50};

class BatchStream {
 public:
  // Waits for the next event; false once the stream has ended and every event was taken.
  // Rethrows what failed the stream (a diverged model's non-finite logits).
  bool next(StreamEvent& e);
  // Waits as next() does, then moves every event that is ready into `out` (replacing its
  // contents, in order); false once the stream has ended and every event was taken.
  bool next_all(std::vector<StreamEvent>& out);
  // Leave the batch before the next step (idempotent; the consumer stops reading).
  void cancel() { cancelled_ = true; }

 private:
  friend class BatchEngine;
  explicit BatchStream(StreamJob job);
  void push(StreamEvent e, bool last);
  void fail(std::exception_ptr e);
  bool feeding() const { return fed_ < job_.primed.feed.size(); }  // the prime's tokens, not yet sampling

  // Engine-side state, touched only by the engine thread.
  StreamJob job_;
  Sampler sampler_;
  std::unique_ptr<text::StreamDecoder> decoder_;
  int32_t current_ = 0;
  size_t fed_ = 0;  // tokens of job_.primed.feed fed so far (no sampling until all are)
  int generated_ = 0;
  std::string out_;  // generated so far, for the stop check
  std::chrono::steady_clock::time_point last_wake_{};  // when push() last woke the consumer
  // Shared with the consumer.
  std::atomic<bool> cancelled_{false};
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<StreamEvent> events_;
  bool ended_ = false;
  std::exception_ptr error_;
};

class BatchEngine {
 public:
  // Steps `net` with weights in `fmt`; the tokenizer decodes. Both outlive the engine.
  BatchEngine(const models::RnnLm<float>& net, const text::Tokenizer& tok, models::WeightFormat fmt);
  ~BatchEngine();  // ends every stream still running (their next() throws) and the thread

  // The streams join the batch together, at the start of the next step.
  std::vector<std::shared_ptr<BatchStream>> submit(std::vector<StreamJob> jobs);
  std::shared_ptr<BatchStream> submit(StreamJob job);

  // The largest batch stepped so far (for tests and the bench).
  int peak_batch() const { return peak_.load(); }

 private:
  void loop();
  // Samples, decodes and checks row b's token; true when the stream has ended.
  bool advance(BatchStream& s, const float* logits);

  const text::Tokenizer& tok_;
  int V_;
  models::LmStepper stepper_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<std::shared_ptr<BatchStream>> pending_;
  bool stop_ = false;
  std::atomic<int> peak_{0};
  std::thread thread_;  // last: started once everything above exists
};

}  // namespace rnngen::sample
