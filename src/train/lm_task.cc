// The language model as a TrainTask: text in stream or lines mode, truncated BPTT with the
// state carried from window to window. Under several processes every process reads the same
// text and takes its own rows of each global batch (dist::row_share): its own contiguous
// streams, or its own lines; dropout masks follow the global row, so the step is the same.
#include <algorithm>
#include <cstdio>
#include <functional>
#include <unordered_set>

#include "models/init.h"
#include "models/rnnlm.h"
#include "models/model_dir.h"
#include "rnngen/error.h"
#include "sample/generate.h"
#include "text/batching.h"
#include "text/build_tokenizer.h"
#include "text/utf8.h"
#include "train/task.h"
#include "train/training_text.h"

namespace rnngen::train {
namespace {

using Encode = std::function<std::vector<int32_t>(std::string_view)>;

std::vector<std::vector<int32_t>> encode_lines(const text::Tokenizer& tok, const std::string& s,
                                               const Encode& encode) {
  std::vector<std::vector<int32_t>> out;
  size_t start = 0;
  while (start < s.size()) {
    size_t end = s.find('\n', start);
    if (end == std::string::npos) end = s.size();
    // Char-level lines keep their newline as the final target, so a model learns to end lines.
    const size_t stop = (tok.type() == "char" || tok.type() == "jamo") && end < s.size() ? end + 1 : end;
    out.push_back(encode(std::string_view(s).substr(start, stop - start)));
    start = end + 1;
  }
  return out;
}

class LmTask : public NetTask<models::RnnLm<float>> {
 public:
  LmTask(const TrainOptions& o, ResumedModel* resumed, dist::Comm& comm);

  int windows() const override { return lines_mode_ ? lines_->windows() : stream_->windows(); }
  void deal(Rng& data_rng) override {
    if (lines_mode_) lines_->shuffle(data_rng);
  }
  StepLoss forward(int window, uint64_t drop_key) override;
  void backward(float scale, const GradsReady& ready) override {
    net_->zero_grads();
    if (w_.batch > 0) net_->backward(scale, nullptr, ready);  // none of this batch's rows here: zeros
  }
  void end_step() override {
    if (w_.batch == 0) {
      state_ = {};  // no rows of this group here, so no state to carry (or to checkpoint)
      return;
    }
    net_->final_state(next_state_);
    std::swap(state_, next_state_);  // carried, detached: backward never reaches past here
  }
  Validation validate(int64_t max_tokens) override;
  void save_model_dir(const std::string& dir) const override { models::save_model_dir(dir, *tok_, *net_); }
  nlohmann::json data_meta() const override {
    return {{"--sequences", o_.sequences}, {"--seq-len", o_.seq_len}, {"--batch-size", o_.batch_size},
            {"windows_per_epoch", windows()}};
  }
  // The checkpoint holds the whole batch's state [L, B, H], as one process would have it.
  void save_state(Checkpoint& ck) const override {
    const std::vector<float> h = gather_rows(state_.h), c = gather_rows(state_.c);
    if (!h.empty()) ck.tensors["state/h"] = h;
    if (!c.empty()) ck.tensors["state/c"] = c;
  }
  void restore_state(const Checkpoint& ck) override {
    if (auto h = ck.tensors.find("state/h"); h != ck.tensors.end()) state_.h = my_rows(h->second);
    if (auto c = ck.tensors.find("state/c"); c != ck.tensors.end()) state_.c = my_rows(c->second);
  }
  std::string note() const override { return val_note_; }
  void print_samples(int64_t step, Progress& progress) override;

 private:
  void prepare_data(const std::string& train_text, const std::string& val_text, const std::string& val_source);
  // This process's rows of a global window (all of them for a single process); returns where
  // they lie in the global batch.
  dist::RowRange take_rows(const text::Window& full, text::Window& mine) const;
  std::vector<float> gather_rows(const std::vector<float>& local) const;
  std::vector<float> my_rows(const std::vector<float>& all) const;

  TrainOptions o_;
  dist::Comm& comm_;
  bool lines_mode_;
  std::vector<int32_t> train_ids_, val_ids_;
  int64_t val_tokens_ = 0;  // held-out tokens, either mode
  std::unique_ptr<text::StreamBatches> stream_;
  std::unique_ptr<text::LineBatches> lines_, val_lines_;
  models::LmState<float> state_, next_state_;
  text::Window full_, w_;
  std::string val_note_;
  std::string val_only_characters_note(const std::string& train_text, const std::string& val_text) const;
};

LmTask::LmTask(const TrainOptions& o, ResumedModel* resumed, dist::Comm& comm)
    : o_(o), comm_(comm), lines_mode_(o.sequences == "lines") {
  // A resumed run takes its tokenizer from the model, whatever --tokenizer says: the split
  // below depends on it and must fall where the first run's did.
  ModelConfig cfg;
  if (resumed) {
    tok_ = std::move(resumed->tokenizer);
    cfg = resumed->config;
  }
  const bool words = resumed ? tok_->type() == "word" : o_.tokenizer == "word";
  const std::string all = read_training_text(o_.data);
  std::string train_text, val_text, val_source = "validation text";
  if (!o_.val.empty()) {
    train_text = all;
    val_text = text::read_text_file(o_.val);
    val_source = o_.val;
  } else {
    split_validation(all, o_.val_fraction, lines_mode_, words, train_text, val_text);
  }
  const std::string source = o_.data.size() == 1 ? o_.data[0] : "training data";
  if (text::decode_utf8(train_text, source).size() < 2)
    throw InputError(source + ": needs at least 2 characters of training text");

  if (!resumed) {
    text::TokenizerSpec spec{o_.tokenizer, o_.word_style, o_.num_words, o_.oov_token, o_.vocab_size, o_.subword_model};
    // The char and jamo alphabets cover the held-out text too (the --val-fraction part or the
    // --val file): a symbol is not a statistic, and without it the held-out text could not be
    // encoded (a novel's last tenth names people its first nine never do). A symbol seen only
    // there is never a training target, so the model gives it the low probability it has
    // learned for every unseen symbol. Words and subword pieces are learned from the training
    // part only.
    const bool alphabet = o_.tokenizer == "char" || o_.tokenizer == "jamo";
    tok_ = text::build_tokenizer(spec, !alphabet ? train_text : o_.val.empty() ? all : train_text + val_text, source);
    shape_network(cfg, o_, tok_->vocab_size());
    cfg.embed_dropout = o_.embed_dropout;
    cfg.tie_weights = o_.tie_weights;
  }
  prepare_data(train_text, val_text, val_source);
  if (!resumed && !o_.val.empty() && (o_.tokenizer == "char" || o_.tokenizer == "jamo"))
    val_note_ = val_only_characters_note(train_text, val_text);

  net_ = std::make_unique<models::RnnLm<float>>(cfg);
  Rng init_rng(o_.seed);
  models::init_params(cfg, net_->table(), models::parse_init(o_.init), init_rng, net_->params());
}

void LmTask::prepare_data(const std::string& train_text, const std::string& val_text, const std::string& val_source) {
  const std::string train_source = o_.data.size() == 1 ? o_.data[0] : "training data";
  const Encode encode_train = [&](std::string_view t) { return tok_->encode(t, train_source); };
  // Validation words the training part never had are left out (Keras's texts_to_sequences
  // without an oov_token) and counted, rather than ending the run before it starts.
  size_t unknown = 0, kept = 0;
  const Encode encode_val = [&](std::string_view t) {
    std::vector<int32_t> ids = tok_->encode_known(t, val_source, unknown);
    kept += ids.size();
    return ids;
  };
  if (lines_mode_) {
    lines_ = std::make_unique<text::LineBatches>(encode_lines(*tok_, train_text, encode_train), o_.batch_size, o_.seq_len);
    if (lines_->lines() == 0)
      throw InputError(train_source + ": no line has two or more tokens to learn from (--sequences lines)");
    if (!val_text.empty())
      val_lines_ = std::make_unique<text::LineBatches>(encode_lines(*tok_, val_text, encode_val), o_.batch_size, o_.seq_len);
  } else {
    train_ids_ = tok_->encode(train_text, train_source);
    stream_ = std::make_unique<text::StreamBatches>(train_ids_, o_.batch_size, o_.seq_len);
    if (stream_->windows() == 0)
      throw InputError(train_source + ": " + std::to_string(train_ids_.size()) +
                       " tokens is too little text for --batch-size " + std::to_string(o_.batch_size) +
                       " (each of the batch's streams needs at least 2 tokens)");
    if (!val_text.empty()) val_ids_ = encode_val(val_text);
  }
  val_tokens_ = static_cast<int64_t>(kept);
  if (unknown > 0)
    val_note_ = "validation: " + std::to_string(unknown) + " of " + std::to_string(unknown + kept) +
                " words are not in the training vocabulary and are left out (--oov-token counts them)";
}

// "validation: 20 characters of --val (44 occurrences) are not in the training text, e.g.
// '...' (U+...)": a char model has them in its vocabulary untrained; a jamo model may know
// their jamo, but has never seen the syllables.
std::string LmTask::val_only_characters_note(const std::string& train_text, const std::string& val_text) const {
  const std::u32string train = text::decode_utf8(train_text, "training data");
  const std::u32string val = text::decode_utf8(val_text, o_.val);
  std::unordered_set<char32_t> seen(train.begin(), train.end());
  std::unordered_set<char32_t> only;
  size_t occurrences = 0;
  char32_t first = 0;
  for (char32_t c : val)
    if (!seen.count(c)) {
      if (only.empty()) first = c;
      only.insert(c);
      ++occurrences;
    }
  if (only.empty()) return "";
  return "validation: " + std::to_string(only.size()) + " characters of " + o_.val + " (" +
         std::to_string(occurrences) + " occurrences) are not in the training text, e.g. " + text::describe_char(first) +
         "; training never shows them to the model";
}

dist::RowRange LmTask::take_rows(const text::Window& full, text::Window& mine) const {
  const dist::RowRange r = dist::row_share(full.batch, comm_.rank(), comm_.size());
  text::slice_rows(full, r.begin, r.end, mine);
  return r;
}

std::vector<float> LmTask::gather_rows(const std::vector<float>& local) const {
  std::vector<float> cat = comm_.gather(local);
  if (comm_.size() == 1 || cat.empty()) return cat;
  // cat holds each process's [L, b_r, H] in turn; the checkpoint wants [L, B, H].
  const size_t L = static_cast<size_t>(net_->config().num_layers), H = static_cast<size_t>(net_->config().hidden_size);
  std::vector<float> all(cat.size());
  const size_t B = cat.size() / (L * H);
  size_t at = 0;
  for (int r = 0; r < comm_.size(); ++r) {
    const dist::RowRange rows = dist::row_share(static_cast<int>(B), r, comm_.size());
    for (size_t l = 0; l < L; ++l)
      for (int b = rows.begin; b < rows.end; ++b, at += H)
        std::copy(cat.begin() + at, cat.begin() + at + H, all.begin() + (l * B + b) * H);
  }
  return all;
}

std::vector<float> LmTask::my_rows(const std::vector<float>& all) const {
  if (comm_.size() == 1) return all;
  const size_t L = static_cast<size_t>(net_->config().num_layers), H = static_cast<size_t>(net_->config().hidden_size);
  const size_t B = all.size() / (L * H);
  const dist::RowRange rows = dist::row_share(static_cast<int>(B), comm_.rank(), comm_.size());
  std::vector<float> mine;
  if (rows.count() == 0) return mine;
  for (size_t l = 0; l < L; ++l)
    mine.insert(mine.end(), all.begin() + (l * B + rows.begin) * H, all.begin() + (l * B + rows.end) * H);
  return mine;
}

StepLoss LmTask::forward(int window, uint64_t drop_key) {
  if (lines_mode_) lines_->get(window, full_);
  else stream_->get(window, full_);
  const dist::RowRange rows = take_rows(full_, w_);
  if (w_.batch == 0) return {};  // a last group of lines with fewer lines than processes
  const ModelConfig& cfg = net_->config();
  if (w_.reset_state || state_.h.size() != static_cast<size_t>(cfg.num_layers) * w_.batch * cfg.hidden_size)
    net_->zero_state(w_.batch, state_);
  const models::ForwardOptions fwd{true, true};
  const layers::DropoutKey drop{drop_key, rows.begin};
  const double sum = net_->forward(w_.ids.data(), w_.targets.data(), w_.batch, w_.len, &state_, fwd, &drop);
  return {sum, net_->counted()};
}

Validation LmTask::validate(int64_t max_tokens) {
  // The model's loss, not bf16's: under --precision bf16 too, so val_nll compares across
  // precisions and with `rnngen eval`, and plateau and best-model decisions see no rounding.
  const PrecisionScope fp32("fp32");
  double sum = 0;
  int64_t count = 0;
  models::LmState<float> st, nx;
  text::Window full, w;
  const models::ForwardOptions fwd;
  bool partial = false;
  // Every process scores its rows of each window; the sums are added up below.
  auto run = [&](auto& batches, int windows) {
    for (int i = 0; i < windows; ++i) {
      batches.get(i, full);
      take_rows(full, w);
      if (w.batch == 0) continue;
      if (w.reset_state) net_->zero_state(w.batch, st);
      sum += net_->forward(w.ids.data(), w.targets.data(), w.batch, w.len, &st, fwd);
      count += net_->counted();
      net_->final_state(nx);
      std::swap(st, nx);
    }
  };
  if (lines_mode_) {
    if (!val_lines_ || val_lines_->windows() == 0) return {};
    int windows = val_lines_->windows();
    if (max_tokens > 0 && val_tokens_ > max_tokens)  // the first windows' share
      windows = static_cast<int>(std::max<int64_t>(1, windows * max_tokens / val_tokens_));
    run(*val_lines_, windows);
    partial = windows < val_lines_->windows();
  } else {
    if (val_ids_.size() < 2) return {};
    // Several streams at once for speed; each long enough that its cold start hardly matters.
    const int streams = static_cast<int>(std::clamp<size_t>(val_ids_.size() / 2000, 1, o_.batch_size));
    text::StreamBatches vb(val_ids_, streams, o_.seq_len);
    // A bounded sample: the first windows of every stream, so it is spread over the whole text.
    int windows = vb.windows();
    if (max_tokens > 0)
      windows = static_cast<int>(std::clamp<int64_t>((max_tokens + int64_t{streams} * o_.seq_len - 1) /
                                                         (int64_t{streams} * o_.seq_len), 1, windows));
    run(vb, windows);
    partial = windows < vb.windows();
  }
  double total[2] = {sum, static_cast<double>(count)};
  comm_.sum(total, 2);
  sum = total[0];
  count = static_cast<int64_t>(total[1]);
  Validation v;
  v.partial = partial;
  if (count) v.nll = sum / static_cast<double>(count);
  return v;
}

void LmTask::print_samples(int64_t step, Progress& progress) {
  // Separate generators, so printing samples never changes what training does. The prime
  // depends on the seed only: like the Keras text-generation callback, every printout
  // continues the same text, so they show how the model improves.
  Rng prime_rng(o_.seed ^ 0x5EED7E47ULL);
  Rng rng(o_.seed ^ (0x9E3779B97F4A7C15ULL * static_cast<uint64_t>(step + 1)));
  std::vector<int32_t> prime;
  if (!lines_mode_ && train_ids_.size() > 41) {
    const size_t at = prime_rng.below(train_ids_.size() - 41);
    prime.assign(train_ids_.begin() + at, train_ids_.begin() + at + 40);
  }
  const std::string prime_text = prime.empty() ? "" : tok_->decode(prime);
  progress.message("--- samples at step " + std::to_string(step) + (prime.empty() ? "" : ", prime: \"" + prime_text + "\""));
  const int32_t start = std::max(0, tok_->line_start_token());
  const PrecisionScope fp32("fp32");  // what `rnngen sample` would print for these weights
  for (double t : {0.2, 0.5, 1.0, 1.2}) {
    sample::GenerateOptions g;
    g.length = o_.sample_length;
    g.sampling.temperature = t;
    std::string out = sample::generate(*net_, *tok_, prime, start, g, rng, [](std::string_view) {});
    char head[48];
    std::snprintf(head, sizeof head, "--- temperature %.1f:", t);
    progress.message(std::string(head) + "\n" + prime_text + out);
  }
}

}  // namespace

std::unique_ptr<TrainTask> make_lm_task(const TrainOptions& o, ResumedModel* resumed, dist::Comm& comm) {
  return std::make_unique<LmTask>(o, resumed, comm);
}

}  // namespace rnngen::train
