#include "train/trainer.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <csignal>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <functional>
#include <optional>
#include <thread>

#include <nlohmann/json.hpp>

#include "io/atomic_file.h"
#include "io/dir_lock.h"
#include "io/staging_dir.h"
#include "models/init.h"
#include "models/model_dir.h"
#include "ops/finite.h"
#include "ops/gemm.h"
#include "rnngen/error.h"
#include "sample/generate.h"
#include "text/batching.h"
#include "text/build_tokenizer.h"
#include "text/utf8.h"
#include "train/checkpoint.h"
#include "train/stop_signals.h"
#include "train/clip.h"
#include "train/lr_schedule.h"
#include "train/optimizer.h"
#include "util/progress.h"

namespace rnngen::train {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

namespace {

double seconds_since(Clock::time_point t0) {
  return std::chrono::duration<double>(Clock::now() - t0).count();
}

// --out must be new, empty, or a model we may continue (--resume) or replace (--force).
void check_out_dir(const TrainOptions& o) {
  std::error_code ec;
  if (!fs::exists(o.out, ec)) {
    if (o.resume) throw InputError("--out " + o.out + ": does not exist, nothing to resume");
    return;
  }
  if (!fs::is_directory(o.out, ec))
    throw InputError("--out " + o.out + ": exists and is not a directory");
  if (models::is_model_dir(o.out)) {
    if (!o.resume && !o.force)
      throw InputError("--out " + o.out +
                       ": already holds a model; add --resume to continue it or --force to replace it");
    return;
  }
  if (o.resume) throw InputError("--out " + o.out + ": is not a model directory, nothing to resume");
  if (!fs::is_empty(o.out, ec))
    throw InputError("--out " + o.out + ": exists and is not a model directory (refusing to write into it)");
}

// The files one after another, each ending a line: the last line of one file and the first of
// the next are two lines, not one word or sentence that neither file has.
std::string read_training_text(const std::vector<std::string>& files) {
  std::string all;
  for (const auto& f : files) {
    if (!all.empty() && all.back() != '\n') all += '\n';
    all += text::read_text_file(f);
  }
  return all;
}

// Splits off the last `fraction` of the text for validation: at a line start in lines mode
// and for words (else a word cut in two would be two words no text has; a text of one line is
// cut after a space or tab), anywhere between two characters otherwise.
void split_validation(const std::string& all, double fraction, bool lines, bool words, std::string& train,
                      std::string& val) {
  const size_t at = all.size() - static_cast<size_t>(static_cast<double>(all.size()) * fraction);
  size_t cut = at;
  while (cut < all.size() && (static_cast<unsigned char>(all[cut]) & 0xC0) == 0x80) ++cut;
  if (lines || words) {
    const size_t nl = cut ? all.rfind('\n', cut - 1) : std::string::npos;
    cut = nl == std::string::npos ? 0 : nl + 1;
  }
  if (words && !lines && cut == 0 && at > 0) {
    const size_t space = all.find_last_of(" \t", at - 1);
    cut = space == std::string::npos ? 0 : space + 1;
  }
  train = all.substr(0, cut);
  val = all.substr(cut);
}

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

std::string number_text(double v) {
  char b[32];
  std::snprintf(b, sizeof b, "%g", v);
  return b;
}

int hardware_threads() {
  unsigned n = std::thread::hardware_concurrency();
  return n ? static_cast<int>(n) : 1;
}

}  // namespace

class Trainer {
 public:
  explicit Trainer(const TrainOptions& o) : o_(o), progress_(!o.quiet) {}

  TrainResult run();

 private:
  void prepare_data(const std::string& train_text, const std::string& val_text, const std::string& val_source);
  double validate_model();
  void log_eval(double train_nll, double val_nll);
  void create_model_dir();
  void save_model_weights();
  void save_checkpoint(const fs::path& dir);
  void save_checkpoint() {
    check_weights();
    save_checkpoint(o_.out);
  }
  void check_weights();
  [[noreturn]] void diverged(int64_t step, const std::string& what);
  void restore_checkpoint();
  void print_samples();
  double lr() const { return schedule_->lr(step_, epoch_); }

  TrainOptions o_;
  Progress progress_;
  std::unique_ptr<text::Tokenizer> tok_;
  std::unique_ptr<models::RnnLm<float>> net_;
  std::unique_ptr<Optimizer> opt_;
  std::unique_ptr<LrSchedule> schedule_;
  std::vector<int32_t> train_ids_, val_ids_;
  std::unique_ptr<text::StreamBatches> stream_;
  std::unique_ptr<text::LineBatches> lines_, val_lines_;
  bool lines_mode_ = false;

  Rng drop_rng_{0}, data_rng_{0};
  std::string data_rng_epoch_start_;
  int64_t dealt_epoch_ = -1;  // the epoch whose line order has been dealt (-1: none yet)
  // The weights model.safetensors holds (the best so far, or the latest without validation).
  // Checkpoints carry them, so that --resume can put back the file a stop evaluation replaced.
  std::vector<float> saved_params_;
  models::LmState<float> state_, next_state_;
  int64_t step_ = 0, tokens_ = 0, epoch_ = 0;
  int window_ = 0;
  double best_val_ = -1;
  double run_nll_ = 0;
  int64_t run_count_ = 0;
  double last_train_nll_ = 0;
  double elapsed_before_ = 0;  // training time of earlier runs (resume)
  std::optional<Clock::time_point> start_;  // when this run's training loop began
  // Training time of this run and the earlier ones; 0 for this run until its loop begins (the
  // checkpoint written with a new model directory says 0, not the time since boot).
  double elapsed() const { return elapsed_before_ + (start_ ? seconds_since(*start_) : 0.0); }
  double train_seconds_ = 0;   // time spent in steps during this run
  int64_t tokens_this_run_ = 0;
  int64_t steps_this_run_ = 0;
  int64_t last_eval_step_ = -1;
  int64_t checkpoint_step_ = 0;  // the step of the checkpoint in --out
  std::string val_note_;         // shown after the header: what validation leaves out
};

void Trainer::check_weights() {
  if (ops::first_non_finite(net_->params(), net_->num_params()) < net_->num_params())
    diverged(step_, "the weights after it are not finite");
}

void Trainer::diverged(int64_t step, const std::string& what) {
  progress_.finish();
  const int per_epoch = std::max(1, lines_mode_ ? lines_->windows() : stream_->windows());
  char epoch[32];
  std::snprintf(epoch, sizeof epoch, "%.2f", epoch_ + static_cast<double>(window_) / per_epoch);
  throw TrainingDiverged("training diverged at step " + std::to_string(step) + " (epoch " + epoch + "): " + what +
                         "; nothing after it was saved (" + o_.out + " keeps its last saved model and the checkpoint of step " +
                         std::to_string(checkpoint_step_) + "): try a lower --lr or a --clip, with --resume or from the start");
}

void Trainer::prepare_data(const std::string& train_text, const std::string& val_text,
                           const std::string& val_source) {
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
  if (unknown > 0)
    val_note_ = "validation: " + std::to_string(unknown) + " of " + std::to_string(unknown + kept) +
                " words are not in the training vocabulary and are left out (--oov-token counts them)";
}

double Trainer::validate_model() {
  // The model's loss, not bf16's: under --precision bf16 too, so val_nll compares across
  // precisions and with `rnngen eval`, and plateau and best-model decisions see no rounding.
  const PrecisionScope fp32("fp32");
  double sum = 0;
  int64_t count = 0;
  models::LmState<float> st, nx;
  text::Window w;
  const models::ForwardOptions fwd;
  if (lines_mode_) {
    if (!val_lines_ || val_lines_->windows() == 0) return -1;
    for (int i = 0; i < val_lines_->windows(); ++i) {
      val_lines_->get(i, w);
      if (w.reset_state) net_->zero_state(w.batch, st);
      sum += net_->forward(w.ids.data(), w.targets.data(), w.batch, w.len, &st, fwd);
      count += net_->counted();
      net_->final_state(nx);
      std::swap(st, nx);
    }
  } else {
    if (val_ids_.size() < 2) return -1;
    // Several streams at once for speed; each long enough that its cold start hardly matters.
    const int streams = static_cast<int>(std::clamp<size_t>(val_ids_.size() / 2000, 1, o_.batch_size));
    text::StreamBatches vb(val_ids_, streams, o_.seq_len);
    for (int i = 0; i < vb.windows(); ++i) {
      vb.get(i, w);
      if (w.reset_state) net_->zero_state(w.batch, st);
      sum += net_->forward(w.ids.data(), w.targets.data(), w.batch, w.len, &st, fwd);
      count += net_->counted();
      net_->final_state(nx);
      std::swap(st, nx);
    }
  }
  return count ? sum / static_cast<double>(count) : -1;
}

void Trainer::log_eval(double train_nll, double val_nll) {
  nlohmann::ordered_json j;
  j["step"] = step_;
  j["epoch"] = epoch_ + static_cast<double>(window_) / std::max(1, lines_mode_ ? lines_->windows() : stream_->windows());
  j["tokens"] = tokens_;
  j["train_nll"] = train_nll;
  j["val_nll"] = val_nll < 0 ? nlohmann::ordered_json(nullptr) : nlohmann::ordered_json(val_nll);
  j["lr"] = lr();
  j["tokens_per_s"] = train_seconds_ > 0 ? tokens_this_run_ / train_seconds_ : 0.0;
  j["elapsed_s"] = elapsed();
  std::ofstream f(fs::path(o_.out) / "train_log.jsonl", std::ios::app);
  f << j.dump() << "\n";
}

void Trainer::create_model_dir() {
  saved_params_.assign(net_->params(), net_->params() + net_->num_params());
  const fs::path target(o_.out);
  std::error_code ec;
  if (models::is_model_dir(o_.out)) {
    // --force: the old run's checkpoint and log go first, so that a kill in the middle never
    // leaves an old checkpoint beside new weights.
    fs::remove_all(target / "checkpoint", ec);
    fs::remove(target / "train_log.jsonl", ec);
    models::save_model_dir(target.string(), *tok_, *net_);
    save_checkpoint(target);
    return;
  }
  // A new model is built under a temporary name beside --out and renamed into place, so that
  // a kill at any moment leaves either no model directory or a complete one that resumes.
  io::StagingDir staging(target);
  models::save_model_dir(staging.path().string(), *tok_, *net_);
  save_checkpoint(staging.path());
  staging.commit();
}

void Trainer::save_model_weights() {
  models::save_weights((fs::path(o_.out) / "model.safetensors").string(), *net_);
  saved_params_.assign(net_->params(), net_->params() + net_->num_params());
}

void Trainer::save_checkpoint(const fs::path& dir) {
  Checkpoint ck;
  for (const auto& p : net_->table().entries()) {
    ck.tensors["param/" + p.name].assign(net_->params() + p.offset, net_->params() + p.offset + p.size);
    ck.tensors["model/" + p.name].assign(saved_params_.begin() + p.offset, saved_params_.begin() + p.offset + p.size);
  }
  for (const auto& [name, buf] : opt_->state()) ck.tensors["optim/" + name] = *buf;
  if (!state_.h.empty()) ck.tensors["state/h"] = state_.h;
  if (!state_.c.empty()) ck.tensors["state/c"] = state_.c;
  std::error_code ec;
  const auto log_path = dir / "train_log.jsonl";
  const auto& s = schedule_->state();
  ck.meta = {{"step", step_},
             {"tokens", tokens_},
             {"epoch", epoch_},
             {"window", window_},
             {"best_val", best_val_},
             {"run_nll", run_nll_},
             {"run_count", run_count_},
             {"last_eval_step", last_eval_step_},
             {"optimizer", opt_->name()},
             {"precision", o_.precision},
             {"optimizer_steps", opt_->steps()},
             {"drop_rng", drop_rng_.save()},
             {"data_rng_epoch_start", data_rng_epoch_start_},
             {"data_rng", data_rng_.save()},
             {"dealt_epoch", dealt_epoch_},
             {"schedule", {{"has_best", s.has_best}, {"best", s.best}, {"bad_evals", s.bad_evals}, {"reductions", s.reductions}}},
             {"elapsed_s", elapsed()},
             {"log_bytes", fs::exists(log_path, ec) ? static_cast<int64_t>(fs::file_size(log_path, ec)) : 0},
             // What shapes the windows: the data position above means nothing under others.
             {"data", {{"--sequences", o_.sequences}, {"--seq-len", o_.seq_len}, {"--batch-size", o_.batch_size},
                       {"windows_per_epoch", lines_mode_ ? lines_->windows() : stream_->windows()}}}};
  write_checkpoint(dir.string(), ck);
  checkpoint_step_ = step_;
}

void Trainer::restore_checkpoint() {
  const Checkpoint ck = read_checkpoint(o_.out, o_.resume_from);
  const std::string path = o_.resume_from.empty() ? checkpoint_path(o_.out) : o_.resume_from;
  auto need = [&](const std::string& name, size_t size) -> const std::vector<float>& {
    auto it = ck.tensors.find(name);
    if (it == ck.tensors.end() || it->second.size() != size)
      throw InputError(path + ": tensor '" + name + "' missing or of the wrong size for this model");
    return it->second;
  };
  for (const auto& p : net_->table().entries()) {
    const auto& v = need("param/" + p.name, p.size);
    std::copy(v.begin(), v.end(), net_->params() + p.offset);
  }
  if (const auto d = ck.meta.find("data"); d != ck.meta.end() && d->is_object()) {
    const nlohmann::json now = {{"--sequences", o_.sequences}, {"--seq-len", o_.seq_len}, {"--batch-size", o_.batch_size}};
    for (const auto& [flag, value] : now.items())
      if (d->contains(flag) && (*d)[flag] != value)
        throw InputError(path + ": was trained with " + flag + " " + (*d)[flag].dump() + ", not " + value.dump() +
                         " (resume with the same data flags)");
    const int windows = lines_mode_ ? lines_->windows() : stream_->windows();
    if (d->value("windows_per_epoch", windows) != windows)
      throw InputError(path + ": the training data differs from the run being resumed (" +
                       std::to_string(d->value("windows_per_epoch", 0)) + " steps per epoch then, " +
                       std::to_string(windows) + " now)");
  }
  if (ck.meta.value("optimizer", std::string()) != opt_->name())
    throw InputError(path + ": was trained with --optimizer " + ck.meta.value("optimizer", std::string("?")) +
                     ", not " + opt_->name());
  // Checkpoints from before --precision existed were fp32.
  if (ck.meta.value("precision", std::string("fp32")) != o_.precision)
    throw InputError(path + ": was trained with --precision " + ck.meta.value("precision", std::string("fp32")) +
                     ", not " + o_.precision + " (resume with the same precision)");
  for (auto& [name, buf] : opt_->state()) *buf = need("optim/" + name, buf->size());
  // Put back model.safetensors as it was at the checkpoint: a stop evaluation after it may
  // have saved weights that the uninterrupted run would never have saved.
  saved_params_.resize(net_->num_params());
  bool has_model = true;
  for (const auto& p : net_->table().entries()) has_model = has_model && ck.tensors.count("model/" + p.name);
  if (has_model) {
    for (const auto& p : net_->table().entries()) {
      const auto& v = need("model/" + p.name, p.size);
      std::copy(v.begin(), v.end(), saved_params_.begin() + p.offset);
    }
    models::save_weights((fs::path(o_.out) / "model.safetensors").string(), net_->table(), saved_params_.data());
  } else {
    saved_params_.assign(net_->params(), net_->params() + net_->num_params());
  }
  auto h = ck.tensors.find("state/h");
  if (h != ck.tensors.end()) state_.h = h->second;
  auto c = ck.tensors.find("state/c");
  if (c != ck.tensors.end()) state_.c = c->second;
  try {
    const auto& m = ck.meta;
    step_ = m.at("step");
    tokens_ = m.at("tokens");
    epoch_ = m.at("epoch");
    window_ = m.at("window");
    best_val_ = m.at("best_val");
    run_nll_ = m.at("run_nll");
    run_count_ = m.at("run_count");
    last_eval_step_ = m.at("last_eval_step");
    opt_->set_steps(m.at("optimizer_steps"));
    drop_rng_.load(m.at("drop_rng"));
    data_rng_epoch_start_ = m.at("data_rng_epoch_start");
    data_rng_.load(m.at("data_rng"));
    // Checkpoints from before "dealt_epoch" was saved re-dealt whenever the epoch had begun.
    dealt_epoch_ = m.value("dealt_epoch", window_ > 0 ? epoch_ : int64_t{-1});
    LrScheduleState s;
    s.has_best = m.at("schedule").at("has_best");
    s.best = m.at("schedule").at("best");
    s.bad_evals = m.at("schedule").at("bad_evals");
    s.reductions = m.at("schedule").at("reductions");
    schedule_->set_state(s);
    elapsed_before_ = m.at("elapsed_s");
    checkpoint_step_ = step_;
    // The log keeps exactly the lines written up to this checkpoint.
    const auto log_path = fs::path(o_.out) / "train_log.jsonl";
    std::error_code ec;
    if (fs::exists(log_path, ec)) fs::resize_file(log_path, m.at("log_bytes").get<int64_t>(), ec);
  } catch (const nlohmann::json::exception& e) {
    throw InputError(path + ": damaged checkpoint metadata: " + e.what());
  }
  if (lines_mode_ && dealt_epoch_ == epoch_ && !data_rng_epoch_start_.empty()) {
    // Re-deal this epoch's line order exactly as it was dealt (data_rng_ is already past it).
    Rng r;
    r.load(data_rng_epoch_start_);
    lines_->shuffle(r);
  }
}

void Trainer::print_samples() {
  check_weights();
  // Separate generators, so printing samples never changes what training does. The prime
  // depends on the seed only: like the Keras text-generation callback, every printout
  // continues the same text, so they show how the model improves.
  Rng prime_rng(o_.seed ^ 0x5EED7E47ULL);
  Rng rng(o_.seed ^ (0x9E3779B97F4A7C15ULL * static_cast<uint64_t>(step_ + 1)));
  std::vector<int32_t> prime;
  if (!lines_mode_ && train_ids_.size() > 41) {
    const size_t at = prime_rng.below(train_ids_.size() - 41);
    prime.assign(train_ids_.begin() + at, train_ids_.begin() + at + 40);
  }
  const std::string prime_text = prime.empty() ? "" : tok_->decode(prime);
  progress_.message("--- samples at step " + std::to_string(step_) + (prime.empty() ? "" : ", prime: \"" + prime_text + "\""));
  const int32_t start = std::max(0, tok_->line_start_token());
  const PrecisionScope fp32("fp32");  // what `rnngen sample` would print for these weights
  for (double t : {0.2, 0.5, 1.0, 1.2}) {
    sample::GenerateOptions g;
    g.length = o_.sample_length;
    g.sampling.temperature = t;
    std::string out = sample::generate(*net_, *tok_, prime, start, g, rng, [](std::string_view) {});
    char head[48];
    std::snprintf(head, sizeof head, "--- temperature %.1f:", t);
    progress_.message(std::string(head) + "\n" + prime_text + out);
  }
}

TrainResult Trainer::run() {
  validate(o_);
  const io::DirLock out_lock(o_.out);  // one writer per model directory, until run() returns
  check_out_dir(o_);
  ops::set_num_threads(o_.threads > 0 ? o_.threads : hardware_threads());
  const PrecisionScope precision(o_.precision);
  lines_mode_ = o_.sequences == "lines";

  // Text, validation split and tokenizer.
  // A resumed run takes its tokenizer from the model, whatever --tokenizer says: the split
  // below depends on it and must fall where the first run's did.
  ModelConfig cfg;
  if (o_.resume) {
    models::LoadedModel m = models::load_model_dir(o_.out);
    tok_ = std::move(m.tokenizer);
    cfg = m.config();
  }
  const bool words = o_.resume ? tok_->type() == "word" : o_.tokenizer == "word";
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

  if (!o_.resume) {
    text::TokenizerSpec spec{o_.tokenizer, o_.word_style, o_.num_words, o_.oov_token, o_.vocab_size, o_.subword_model};
    // The char and jamo alphabets cover the held-out fraction too (it is part of the same
    // file): a symbol is not a statistic, and without it the held-out text could not be
    // encoded. A separate --val file must use only symbols seen in training. Words and subword
    // pieces are learned from the training part only.
    const bool alphabet = o_.tokenizer == "char" || o_.tokenizer == "jamo";
    tok_ = text::build_tokenizer(spec, alphabet && o_.val.empty() ? all : train_text, source);
    cfg.cell = o_.cell;
    cfg.vocab_size = tok_->vocab_size();
    cfg.embed_size = o_.embed_size;
    cfg.hidden_size = o_.hidden_size;
    cfg.num_layers = o_.num_layers;
    cfg.dropout = o_.dropout;
    cfg.embed_dropout = o_.embed_dropout;
    cfg.tie_weights = o_.tie_weights;
  }
  prepare_data(train_text, val_text, val_source);

  net_ = std::make_unique<models::RnnLm<float>>(cfg);
  Rng init_rng(o_.seed);
  models::init_params(cfg, net_->table(), models::parse_init(o_.init), init_rng, net_->params());
  drop_rng_ = Rng(o_.seed + 1);
  data_rng_ = Rng(o_.seed + 2);

  OptimizerOptions oo = optimizer_defaults(o_.optimizer);
  opt_ = make_optimizer(oo, net_->num_params());
  const double default_lr = o_.optimizer == "sgd" ? 1.0 : o_.optimizer.rfind("rmsprop", 0) == 0 ? 1e-3 : 2e-3;
  const int per_epoch = lines_mode_ ? lines_->windows() : stream_->windows();
  LrScheduleOptions so;
  so.rule = parse_lr_rule(o_.lr_schedule);
  so.lr = o_.lr.value_or(default_lr);
  so.decay = o_.lr_decay;
  so.decay_after = o_.lr_decay_after;
  so.total_steps = o_.max_steps > 0 ? o_.max_steps : static_cast<int64_t>(o_.epochs) * per_epoch;
  schedule_ = std::make_unique<LrSchedule>(so);

  if (o_.resume) restore_checkpoint();
  else create_model_dir();

  progress_.message("rnngen train: " + std::to_string(net_->num_params()) + " parameters, vocab " +
                    std::to_string(cfg.vocab_size) + ", " + std::to_string(per_epoch) +
                    " steps per epoch, " + std::to_string(ops::num_threads()) + " threads" +
                    (o_.precision == "bf16" ? ", bf16 GEMMs" : "") +
                    (o_.resume ? ", resuming at step " + std::to_string(step_) : ""));
  if (!val_note_.empty()) progress_.message(val_note_);

  const StopSignalGuard stop_signals;  // SIGINT, SIGTERM, SIGHUP: stop after this step
  start_ = Clock::now();
  TrainResult res;
  text::Window w;
  const models::ForwardOptions fwd{true, true};
  auto evaluate_and_log = [&] {
    check_weights();
    const double train_nll = run_count_ ? run_nll_ / run_count_ : 0.0;
    const double val = validate_model();
    last_train_nll_ = train_nll;
    last_eval_step_ = step_;
    run_nll_ = 0;
    run_count_ = 0;
    log_eval(train_nll, val);
    if (val >= 0) schedule_->on_validation(val);
    const bool better = val >= 0 && (best_val_ < 0 || val < best_val_);
    if (better) best_val_ = val;
    if (better || val < 0) save_model_weights();
    char line[200], val_text[32] = "-";
    // Rounded like the summary line at the end (%.4f), not truncated, so the two agree.
    if (val >= 0) std::snprintf(val_text, sizeof val_text, "%.4f", val);
    std::snprintf(line, sizeof line, "epoch %.2f  step %lld  train %.4f  val %s  lr %.3g%s",
                  epoch_ + static_cast<double>(window_) / per_epoch, static_cast<long long>(step_), train_nll,
                  val_text, lr(), better ? "  (best, saved)" : "");
    progress_.message(line);
  };

  std::string stopped = "epochs";
  while (epoch_ < o_.epochs) {
    if (dealt_epoch_ != epoch_) {
      data_rng_epoch_start_ = data_rng_.save();
      if (lines_mode_) lines_->shuffle(data_rng_);
      dealt_epoch_ = epoch_;
    }
    bool stop = false;
    while (window_ < per_epoch) {
      if (o_.max_steps > 0 && step_ >= o_.max_steps) { stopped = "max-steps"; stop = true; break; }
      if (o_.max_time > 0 && seconds_since(*start_) >= o_.max_time) { stopped = "max-time"; stop = true; break; }
      if (stop_signal()) { stopped = "interrupt"; stop = true; break; }
      const auto t0 = Clock::now();
      if (lines_mode_) lines_->get(window_, w);
      else stream_->get(window_, w);
      if (w.reset_state || state_.h.size() != static_cast<size_t>(cfg.num_layers) * w.batch * cfg.hidden_size)
        net_->zero_state(w.batch, state_);
      const double sum = net_->forward(w.ids.data(), w.targets.data(), w.batch, w.len, &state_, fwd, &drop_rng_);
      const int count = net_->counted();
      if (!std::isfinite(sum)) diverged(step_ + 1, "the loss is " + number_text(sum / std::max(count, 1)));
      if (count > 0) {
        net_->zero_grads();
        net_->backward(1.0f / static_cast<float>(count), nullptr);
        float clip = 1.0f;  // clipping's factor, applied as the optimizer reads the gradients
        if (o_.clip > 0) {  // the norm comes with clipping; without it, the next loss shows a bad step
          const double norm = grad_norm(net_->grads(), net_->num_params());
          if (!std::isfinite(norm)) diverged(step_ + 1, "the gradient norm is " + number_text(norm));
          clip = clip_factor(norm, o_.clip);
        }
        opt_->step(net_->params(), net_->grads(), lr(), clip);
      }
      net_->final_state(next_state_);
      std::swap(state_, next_state_);  // carried, detached: backward never reaches past here
      run_nll_ += sum;
      run_count_ += count;
      ++step_;
      ++window_;
      ++steps_this_run_;
      tokens_ += count;
      tokens_this_run_ += count;
      train_seconds_ += seconds_since(t0);

      // Progress: loss since the last evaluation, throughput, time left under the binding limit.
      const double per_step = train_seconds_ / static_cast<double>(steps_this_run_);
      double eta = static_cast<double>((o_.epochs - epoch_ - 1) * static_cast<int64_t>(per_epoch) +
                                       per_epoch - window_) * per_step;
      if (o_.max_steps > 0) eta = std::min(eta, static_cast<double>(o_.max_steps - step_) * per_step);
      if (o_.max_time > 0) eta = std::min(eta, o_.max_time - seconds_since(*start_));
      char line[200];
      std::snprintf(line, sizeof line, "epoch %lld/%d  step %lld  loss %.4f  %s tok/s  ETA %s",
                    static_cast<long long>(epoch_ + 1), o_.epochs, static_cast<long long>(step_),
                    run_count_ ? run_nll_ / run_count_ : 0.0,
                    format_count(tokens_this_run_ / std::max(1e-9, train_seconds_)).c_str(),
                    format_duration(std::max(0.0, eta)).c_str());
      progress_.update(line);

      // Everything below depends only on the step count, so a resumed run repeats it exactly.
      if (o_.eval_every > 0 && step_ % o_.eval_every == 0 && window_ < per_epoch) evaluate_and_log();
      if (o_.sample_every > 0 && step_ % o_.sample_every == 0) print_samples();
      if (step_ % o_.checkpoint_every == 0) save_checkpoint();
    }
    if (stop) break;
    window_ = 0;
    ++epoch_;
    evaluate_and_log();
  }
  if (stopped == "epochs") {
    save_checkpoint();
  } else {
    // Stopped by a limit: checkpoint first, so that --resume continues exactly the run that
    // never stopped; then evaluate (and save the model) for the user, which that run would
    // not have done here. --resume rewinds the log and model.safetensors to the checkpoint.
    save_checkpoint();
    if (last_eval_step_ != step_) evaluate_and_log();
  }
  progress_.finish();

  res.steps = step_;
  res.tokens = tokens_;
  res.best_val_nll = best_val_;
  res.last_train_nll = last_train_nll_;
  res.elapsed_s = elapsed();
  res.stopped_by = stopped;
  res.signal = stop_signal();
  return res;
}

TrainResult run_training(const TrainOptions& options) {
  Trainer t(options);
  return t.run();
}

}  // namespace rnngen::train
