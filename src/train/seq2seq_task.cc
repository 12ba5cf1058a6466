// The encoder-decoder as a TrainTask: (source, target) pairs dealt in a new order each epoch,
// B pairs a step, teacher forcing, validated by token loss and greedy exact-match accuracy.
#include <algorithm>
#include <cstdio>

#include "models/init.h"
#include "models/model_dir.h"
#include "models/seq2seq.h"
#include "rnngen/error.h"
#include "sample/translate.h"
#include "text/build_tokenizer.h"
#include "train/seq2seq_eval.h"
#include "train/task.h"

namespace rnngen::train {
namespace {

class Seq2seqTask : public NetTask<models::Seq2Seq<float>> {
 public:
  Seq2seqTask(const TrainOptions& o, ResumedModel* resumed);

  int windows() const override {
    return static_cast<int>((train_.size() + o_.batch_size - 1) / o_.batch_size);
  }
  void deal(Rng& data_rng) override {
    // A permutation of the file order drawn from rng alone (Fisher-Yates), as LineBatches does,
    // so a resumed run re-deals an epoch from the RNG state saved at its start.
    order_.resize(train_.size());
    for (size_t i = 0; i < order_.size(); ++i) order_[i] = i;
    for (size_t i = order_.size(); i > 1; --i) std::swap(order_[i - 1], order_[data_rng.below(i)]);
    // Pairs of similar lengths share a batch: within each run of kBucketBatches batches the
    // pairs are sorted by target then source length, and the batches are dealt in a random
    // order. A batch is padded to its longest pair, so on ChatbotData.csv's jamo (answers of
    // 31 tokens on average, up to 155) random batches computed mostly padding.
    constexpr size_t kBucketBatches = 32;
    const size_t B = static_cast<size_t>(o_.batch_size), run = B * kBucketBatches;
    for (size_t first = 0; first < order_.size(); first += run) {
      const auto end = order_.begin() + static_cast<std::ptrdiff_t>(std::min(order_.size(), first + run));
      std::stable_sort(order_.begin() + static_cast<std::ptrdiff_t>(first), end, [&](size_t a, size_t b) {
        if (train_[a].target.size() != train_[b].target.size()) return train_[a].target.size() < train_[b].target.size();
        return train_[a].source.size() < train_[b].source.size();
      });
    }
    const size_t batches = (order_.size() + B - 1) / B;
    batch_order_.resize(batches);
    for (size_t i = 0; i < batches; ++i) batch_order_[i] = i;
    for (size_t i = batches; i > 1; --i) std::swap(batch_order_[i - 1], batch_order_[data_rng.below(i)]);
  }
  StepLoss forward(int window, uint64_t drop_key) override {
    // The masks of seq2seq are drawn in sequence; their generator is seeded per step.
    Rng drop_rng(drop_key);
    const size_t first = batch_order_[static_cast<size_t>(window)] * o_.batch_size;
    make_pair_batch(train_, order_, first, std::min(train_.size() - first, static_cast<size_t>(o_.batch_size)), line_,
                    line_, batch_);
    const double sum = net_->forward(batch_.view(), true, &drop_rng);
    return {sum, net_->counted()};
  }
  void backward(float scale, const GradsReady& ready) override {
    net_->zero_grads();
    net_->backward(scale);
    if (ready) ready(0);
  }
  Validation validate(int64_t max_tokens) override {
    (void)max_tokens;  // the pairs are scored whole: accuracy counts whole answers
    if (val_.empty()) return {};
    const PrecisionScope fp32("fp32");
    const Seq2seqScore s = score_pairs(*net_, *tok_, val_, std::max(o_.batch_size, 256));
    return {s.nll(), s.accuracy()};
  }
  void save_model_dir(const std::string& dir) const override {
    models::save_model_dir(dir, *tok_, net_->config(), net_->table(), net_->params());
  }
  nlohmann::json data_meta() const override {
    return {{"--batch-size", o_.batch_size}, {"windows_per_epoch", windows()}};
  }
  std::string note() const override { return note_; }
  void print_samples(int64_t step, Progress& progress) override;

 private:
  TrainOptions o_;
  std::vector<EncodedPair> train_, val_;
  std::vector<size_t> order_, batch_order_;  // the epoch's pairs; which batch of them each step takes
  PairBatch batch_;
  int32_t line_ = -1;
  std::string note_;
};

Seq2seqTask::Seq2seqTask(const TrainOptions& o, ResumedModel* resumed) : o_(o) {
  const std::string source = o_.data.size() == 1 ? o_.data[0] : "training data";
  std::vector<text::TextPair> all = read_pair_files(o_.data, o_.separator, o_.source_column, o_.target_column);
  std::vector<text::TextPair> val;
  std::string val_source = source;
  if (!o_.val.empty()) {
    val = read_pair_files({o_.val}, o_.separator, o_.source_column, o_.target_column);
    val_source = o_.val;
  } else {
    // The last fraction of the pairs, in file order (the book's test split for addition.txt).
    const size_t n_val = static_cast<size_t>(static_cast<double>(all.size()) * o_.val_fraction);
    val.assign(all.end() - static_cast<std::ptrdiff_t>(n_val), all.end());
    all.resize(all.size() - n_val);
  }
  if (all.empty()) throw InputError(source + ": no pairs left to train on after the validation split");

  ModelConfig cfg;
  if (resumed) {
    tok_ = std::move(resumed->tokenizer);
    cfg = resumed->config;
  } else {
    // Sources and targets are lines of one text to the tokenizer, so "\n" (the start and end
    // token) is in every text tokenizer's vocabulary. As for language models, char and jamo
    // alphabets include the held-out pairs; words and pieces are learned from training pairs.
    const bool alphabet = o_.tokenizer == "char" || o_.tokenizer == "jamo";
    std::string text;
    auto add = [&](const std::vector<text::TextPair>& ps) {
      for (const auto& p : ps) text += p.source + "\n" + p.target + "\n";
    };
    add(all);
    if (alphabet) add(val);
    text::TokenizerSpec spec{o_.tokenizer, o_.word_style, o_.num_words, o_.oov_token, o_.vocab_size, o_.subword_model};
    tok_ = text::build_tokenizer(spec, text, source);
    cfg.task = "seq2seq";
    shape_network(cfg, o_, tok_->vocab_size());
    cfg.decoder = o_.decoder;
    cfg.reverse_source = o_.reverse_source;
    cfg.bidirectional_encoder = o_.bidirectional_encoder;
    cfg.separator = o_.source_column.empty() ? o_.separator : "";
  }
  line_ = tok_->line_start_token();
  if (line_ < 0)
    throw InputError("--tokenizer " + tok_->type() + ": has no end-of-line token to start and end answers with " +
                     "(use --tokenizer char or jamo, or --word-style ptb)");
  train_ = encode_pairs(*tok_, all, source, o_.max_target_len);
  val_ = encode_pairs(*tok_, val, val_source, o_.max_target_len);
  if (!resumed) {
    size_t longest = 0;
    for (const auto& p : train_) longest = std::max(longest, p.target.size());
    cfg.max_target_len = static_cast<int>(longest) + 1;
  }
  net_ = std::make_unique<models::Seq2Seq<float>>(cfg);
  Rng init_rng(o_.seed);
  models::init_params(cfg, net_->table(), models::parse_init(o_.init), init_rng, net_->params());
  note_ = std::to_string(train_.size()) + " training pairs, " + std::to_string(val_.size()) + " held out";
}

void Seq2seqTask::print_samples(int64_t step, Progress& progress) {
  const std::vector<EncodedPair>& from = val_.empty() ? train_ : val_;
  const size_t n = std::min<size_t>(from.size(), 4);
  std::vector<std::vector<int32_t>> sources;
  for (size_t i = 0; i < n; ++i) sources.push_back(from[i].source);
  const PrecisionScope fp32("fp32");
  const auto got = sample::greedy_translate(*net_, sources, line_, line_, {});
  progress.message("--- answers at step " + std::to_string(step) + ":");
  for (size_t i = 0; i < n; ++i) {
    const std::string want = answer_text(*tok_, from[i].target), have = answer_text(*tok_, got[i].ids);
    progress.message((have == want ? "  [ok] " : "  [  ] ") + tok_->decode(from[i].source) + " -> " + have +
                     (have == want ? "" : "   (want " + want + ")"));
  }
}

}  // namespace

std::unique_ptr<TrainTask> make_seq2seq_task(const TrainOptions& o, ResumedModel* resumed) {
  return std::make_unique<Seq2seqTask>(o, resumed);
}

}  // namespace rnngen::train
