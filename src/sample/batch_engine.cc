#include "sample/batch_engine.h"

#include <algorithm>
#include <iterator>
#include <stdexcept>

#include "ops/gemm.h"

namespace rnngen::sample {

BatchStream::BatchStream(StreamJob job) : job_(std::move(job)), sampler_(job_.opts.sampling) {}

bool BatchStream::next(StreamEvent& e) {
  std::unique_lock lock(mu_);
  cv_.wait(lock, [&] { return !events_.empty() || ended_; });
  if (!events_.empty()) {
    e = std::move(events_.front());
    events_.pop_front();
    return true;
  }
  if (error_) std::rethrow_exception(error_);
  return false;
}

bool BatchStream::next_all(std::vector<StreamEvent>& out) {
  out.clear();
  std::unique_lock lock(mu_);
  cv_.wait(lock, [&] { return !events_.empty() || ended_; });
  if (!events_.empty()) {
    out.assign(std::make_move_iterator(events_.begin()), std::make_move_iterator(events_.end()));
    events_.clear();
    return true;
  }
  if (error_) std::rethrow_exception(error_);
  return false;
}

void BatchStream::push(StreamEvent e, bool last) {
  {
    std::lock_guard lock(mu_);
    events_.push_back(std::move(e));
    ended_ = ended_ || last;
  }
  const auto now = job_.coalesce ? std::chrono::steady_clock::now() : std::chrono::steady_clock::time_point{};
  const bool first = last_wake_ == std::chrono::steady_clock::time_point{};
  if (!job_.coalesce || last || first || now - last_wake_ >= kWakeInterval) {
    last_wake_ = now;
    cv_.notify_one();
  }
}

void BatchStream::fail(std::exception_ptr e) {
  {
    std::lock_guard lock(mu_);
    error_ = std::move(e);
    ended_ = true;
  }
  cv_.notify_one();
}

BatchEngine::BatchEngine(const models::RnnLm<float>& net, const text::Tokenizer& tok, models::WeightFormat fmt)
    : tok_(tok), V_(net.config().vocab_size), stepper_(net, fmt) {
  stepper_.set_exact_batching(true);
  thread_ = std::thread([this] { loop(); });
}

BatchEngine::~BatchEngine() {
  {
    std::lock_guard lock(mu_);
    stop_ = true;
  }
  cv_.notify_one();
  thread_.join();
}

std::vector<std::shared_ptr<BatchStream>> BatchEngine::submit(std::vector<StreamJob> jobs) {
  std::vector<std::shared_ptr<BatchStream>> out;
  for (StreamJob& j : jobs) {
    auto s = std::shared_ptr<BatchStream>(new BatchStream(std::move(j)));
    s->decoder_ = tok_.stream_decoder();
    // The prime is already printed; through the decoder it gives what follows the right
    // context (as continue_from does).
    for (int32_t id : s->job_.prime_ids) s->decoder_->push(id);
    s->current_ = s->job_.primed.current;
    out.push_back(std::move(s));
  }
  {
    std::lock_guard lock(mu_);
    pending_.insert(pending_.end(), out.begin(), out.end());
  }
  cv_.notify_one();
  return out;
}

std::shared_ptr<BatchStream> BatchEngine::submit(StreamJob job) {
  std::vector<StreamJob> one;
  one.push_back(std::move(job));
  return submit(std::move(one)).front();
}

// The body of continue_from's loop for one stream, with the sink's work left to the consumer.
bool BatchEngine::advance(BatchStream& s, const float* logits) {
  const GenerateOptions& o = s.job_.opts;
  s.current_ = s.sampler_.sample(logits, V_, s.job_.rng);
  ++s.generated_;
  StreamEvent e;
  e.id = s.current_;
  e.piece = s.decoder_->push(s.current_);
  if (s.job_.want_logits) e.logits.assign(logits, logits + V_);
  s.out_ += e.piece;
  const std::string& out = s.out_;
  // Only the tail can hold a new occurrence of the stop string.
  const bool stopped = !o.stop.empty() && out.size() >= o.stop.size() &&
                       out.find(o.stop, out.size() - std::min(out.size(), e.piece.size() + o.stop.size())) !=
                           std::string::npos;
  if (!stopped && s.generated_ < o.length) {
    s.push(std::move(e), false);
    return false;
  }
  s.push(std::move(e), false);
  StreamEvent end;
  end.piece = s.decoder_->flush();
  s.push(std::move(end), true);
  return true;
}

void BatchEngine::loop() {
  ops::adopt_num_threads();
  std::vector<std::shared_ptr<BatchStream>> active;
  std::vector<int32_t> ids;
  std::vector<char> done;
  // Row b of the stepper is active[b]; a leaving row takes the last one's place.
  auto drop = [&](size_t b) {
    const size_t last = active.size() - 1;
    if (b != last) {
      stepper_.move_row(static_cast<int>(last), static_cast<int>(b));
      active[b] = std::move(active[last]);
    }
    active.pop_back();
  };
  for (;;) {
    std::vector<std::shared_ptr<BatchStream>> joining;
    {
      std::unique_lock lock(mu_);
      cv_.wait(lock, [&] { return stop_ || !pending_.empty() || !active.empty(); });
      if (stop_) {
        for (auto* list : {&active, &pending_})
          for (auto& s : *list) s->fail(std::make_exception_ptr(std::runtime_error("the generation engine stopped")));
        return;
      }
      joining.swap(pending_);
    }
    for (size_t b = 0; b < active.size();)
      if (active[b]->cancelled_) drop(b);
      else ++b;
    const size_t first_new = active.size();
    for (auto& s : joining)
      if (!s->cancelled_) active.push_back(std::move(s));
    if (active.empty()) continue;
    const int B = static_cast<int>(active.size());
    stepper_.resize_rows(B);
    // A joining row may hold the state of one that left: every stream starts from zero.
    for (size_t b = first_new; b < active.size(); ++b) stepper_.zero_row(static_cast<int>(b));
    peak_ = std::max(peak_.load(), B);
    ids.resize(B);
    // A stream still feeding its prime gives the prime's next token and skips the sampling.
    for (int b = 0; b < B; ++b) {
      const BatchStream& s = *active[b];
      ids[b] = s.feeding() ? s.job_.primed.feed[s.fed_] : s.current_;
    }
    done.assign(B, 0);
    try {
      const float* logits = stepper_.step(ids.data());
      for (int b = 0; b < B; ++b) {
        BatchStream& s = *active[b];
        if (s.feeding()) {
          ++s.fed_;
          continue;
        }
        try {
          done[b] = advance(*active[b], logits + static_cast<size_t>(b) * V_);
        } catch (...) {  // this stream's logits (a diverged model): it alone fails
          active[b]->fail(std::current_exception());
          done[b] = 1;
        }
      }
    } catch (...) {  // the step itself (out of memory): every stream in it fails
      for (auto& s : active) s->fail(std::current_exception());
      done.assign(B, 1);
    }
    for (int b = B - 1; b >= 0; --b)  // from the end: drop() moves the last row into b
      if (done[b]) drop(b);
  }
}

}  // namespace rnngen::sample
