#include "train/trainer.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <functional>
#include <optional>
#include <thread>
#include <variant>

#include <sched.h>

#include <nlohmann/json.hpp>

#include "dist/comm.h"
#include "io/atomic_file.h"
#include "io/config_json.h"
#include "io/dir_lock.h"
#include "io/staging_dir.h"
#include "models/model_dir.h"
#include "ops/finite.h"
#include "ops/gemm.h"
#include "rnngen/error.h"
#include "text/tokenizer.h"
#include "train/checkpoint.h"
#include "train/stop_signals.h"
#include "util/crc32c.h"
#include "layers/dropout.h"
#include "train/clip.h"
#include "train/lr_schedule.h"
#include "train/optimizer.h"
#include "train/task.h"
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


// What --resume checks a data file against: its size and CRC-32C (the task has read it already,
// so it exists; this reads its bytes once more).
nlohmann::json file_fingerprint(const std::string& path) {
  const std::string bytes = io::read_file(path);
  return {{"file", path}, {"bytes", static_cast<int64_t>(bytes.size())}, {"crc32c", util::crc32c_text(util::crc32c(0, bytes))}};
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

// The cores this process may run on: under mpirun each process is bound (Open MPI binds to a
// core for N <= 2, to a socket above), and threads beyond its cores would share them.
int allowed_cores() {
  cpu_set_t set;
  CPU_ZERO(&set);
  if (sched_getaffinity(0, sizeof set, &set) != 0) return hardware_threads();
  return std::max(1, CPU_COUNT(&set));
}

}  // namespace

class Trainer {
 public:
  explicit Trainer(const TrainOptions& o)
      : o_(o), comm_(dist::world()), root_(comm_.rank() == 0), progress_(!o.quiet && root_) {}

  TrainResult run();

 private:
  void set_up();
  void check_processes();
  Validation validate_model() { return task_->validate(o_.val_sample); }
  void log_eval(double train_nll, const Validation& val);
  void final_full_validation();
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
  double lr() const { return schedule_->lr(step_, epoch_, time_spent()); }
  // The share of the --max-time budget spent, for the schedule: the training time of earlier
  // runs (--resume) plus this run's, over that plus this run's budget, so that a resumed run
  // carries on the decay where it was rather than starting it again.
  double time_spent() const {
    if (o_.max_time <= 0) return 0.0;
    const double now = start_ ? seconds_since(*start_) : 0.0;
    return (elapsed_before_ + now) / (elapsed_before_ + o_.max_time);
  }

  TrainOptions o_;
  // The processes sharing each batch. Rank 0 alone writes (the model, the log, checkpoints, the
  // progress line); every process computes the same step.
  dist::Comm& comm_;
  bool root_;
  std::optional<io::DirLock> out_lock_;
  Progress progress_;
  std::unique_ptr<TrainTask> task_;
  nlohmann::json data_files_;  // [{"file", "bytes", "crc32c"}] of the training and validation files
  std::unique_ptr<Optimizer> opt_;
  std::unique_ptr<LrSchedule> schedule_;

  Rng data_rng_{0};
  std::string data_rng_epoch_start_;
  int64_t dealt_epoch_ = -1;  // the epoch whose line order has been dealt (-1: none yet)
  // The weights model.safetensors holds (the best so far, or the latest without validation).
  // Checkpoints carry them, so that --resume can put back the file a stop evaluation replaced.
  std::vector<float> saved_params_;
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
  double grads_wait_before_ = 0;  // comm_.grads_wait_seconds() when this run's loop began
  bool sampled_validation_ = false;  // some evaluation scored only a sample of the held-out data
  double weight_decay_ = 0;  // what the optimizer uses: --weight-decay or its default
  // bf16 or fp32 GEMMs for the whole run, once the task's kind has resolved --precision auto.
  std::optional<PrecisionScope> precision_;
  Clock::time_point started_ = Clock::now();  // for "ready in"
};

void Trainer::check_weights() {
  if (ops::first_non_finite(task_->params(), task_->num_params()) < task_->num_params())
    diverged(step_, "the weights after it are not finite");
}

void Trainer::diverged(int64_t step, const std::string& what) {
  progress_.finish();
  const int per_epoch = std::max(1, task_->windows());
  char epoch[32];
  std::snprintf(epoch, sizeof epoch, "%.2f", epoch_ + static_cast<double>(window_) / per_epoch);
  throw TrainingDiverged("training diverged at step " + std::to_string(step) + " (epoch " + epoch + "): " + what +
                         "; nothing after it was saved (" + o_.out + " keeps its last saved model and the checkpoint of step " +
                         std::to_string(checkpoint_step_) + "): try a lower --lr or a --clip, with --resume or from the start");
}

void Trainer::log_eval(double train_nll, const Validation& val) {
  nlohmann::ordered_json j;
  j["step"] = step_;
  j["epoch"] = epoch_ + static_cast<double>(window_) / std::max(1, task_->windows());
  j["tokens"] = tokens_;
  j["train_nll"] = train_nll;
  j["val_nll"] = val.nll < 0 ? nlohmann::ordered_json(nullptr) : nlohmann::ordered_json(val.nll);
  if (val.partial) j["val_tokens"] = o_.val_sample;  // a sample; lines without it scored all
  if (task_->config().task == "seq2seq")
    j["val_accuracy"] = val.accuracy < 0 ? nlohmann::ordered_json(nullptr) : nlohmann::ordered_json(val.accuracy);
  j["lr"] = lr();
  j["tokens_per_s"] = train_seconds_ > 0 ? tokens_this_run_ / train_seconds_ : 0.0;
  j["elapsed_s"] = elapsed();
  if (comm_.size() > 1) {
    j["processes"] = comm_.size();
    j["allreduce_s_per_step"] =
        steps_this_run_ ? (comm_.grads_wait_seconds() - grads_wait_before_) / static_cast<double>(steps_this_run_) : 0.0;
  }
  if (!root_) return;
  const std::string record = j.dump();
  {
    std::ofstream f(fs::path(o_.out) / "train_log.jsonl", std::ios::app);
    f << record << "\n";
  }
  if (o_.on_log) o_.on_log(record);
}

void Trainer::create_model_dir() {
  saved_params_.assign(task_->params(), task_->params() + task_->num_params());
  if (!root_) {
    save_checkpoint(o_.out);  // its part of the collective; rank 0 writes
    return;
  }
  const fs::path target(o_.out);
  std::error_code ec;
  if (models::is_model_dir(o_.out)) {
    // --force: the old run's checkpoint and log go first, so that a kill in the middle never
    // leaves an old checkpoint beside new weights.
    fs::remove_all(target / "checkpoint", ec);
    fs::remove(target / "train_log.jsonl", ec);
    task_->save_model_dir(target.string());
    save_checkpoint(target);
    return;
  }
  // A new model is built under a temporary name beside --out and renamed into place, so that
  // a kill at any moment leaves either no model directory or a complete one that resumes.
  io::StagingDir staging(target);
  task_->save_model_dir(staging.path().string());
  save_checkpoint(staging.path());
  staging.commit();
}

void Trainer::save_model_weights() {
  if (root_) models::save_weights((fs::path(o_.out) / "model.safetensors").string(), task_->table(), task_->params());
  saved_params_.assign(task_->params(), task_->params() + task_->num_params());
}

void Trainer::save_checkpoint(const fs::path& dir) {
  // Rank 0's checkpoint stands for every process: check that they still hold the same weights
  // (an allreduce that summed in a different order on some process would part them).
  if (comm_.size() > 1 &&
      !comm_.same(util::crc32c(0, task_->params(), task_->num_params() * sizeof(float))))
    throw dist::DistError("the processes' weights differ at step " + std::to_string(step_) +
                          ": rnngen or the MPI library summed the gradients differently on some process (please report it)");
  Checkpoint ck;
  for (const auto& p : task_->table().entries()) {
    ck.tensors["param/" + p.name].assign(task_->params() + p.offset, task_->params() + p.offset + p.size);
    ck.tensors["model/" + p.name].assign(saved_params_.begin() + p.offset, saved_params_.begin() + p.offset + p.size);
  }
  for (const auto& [name, buf] : opt_->state()) ck.tensors["optim/" + name] = *buf;
  task_->save_state(ck);  // collective: gathers every process's rows
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
             {"weight_decay", weight_decay_},
             {"precision", o_.precision},
             {"optimizer_steps", opt_->steps()},
             // Dropout masks are a function of the seed and the step (layers::dropout_step_key).
             {"dropout", "counter-v1"},
             // The processes that trained it: --resume needs as many (dist::row_share).
             {"processes", comm_.size()},
             {"data_rng_epoch_start", data_rng_epoch_start_},
             {"data_rng", data_rng_.save()},
             {"dealt_epoch", dealt_epoch_},
             {"schedule", {{"has_best", s.has_best}, {"best", s.best}, {"bad_evals", s.bad_evals}, {"reductions", s.reductions}}},
             {"elapsed_s", elapsed()},
             {"log_bytes", fs::exists(log_path, ec) ? static_cast<int64_t>(fs::file_size(log_path, ec)) : 0},
             // What shapes the windows: the data position above means nothing under others.
             {"data", task_->data_meta()},
             {"data_files", data_files_}};
  if (root_) write_checkpoint(dir.string(), ck);
  checkpoint_step_ = step_;
}

void Trainer::restore_checkpoint() {
  const Checkpoint ck = read_checkpoint(o_.out, o_.resume_from);
  const std::string path = o_.resume_from.empty() ? checkpoint_path(o_.out) : o_.resume_from;
  // Each process resumes its rows of the carried state: under another process count those
  // would be other rows, and the run not the one that stopped.
  const int processes = ck.meta.value("processes", 1);
  if (processes != comm_.size())
    throw InputError(path + ": was written by a run of " + std::to_string(processes) + " process(es), not " +
                     std::to_string(comm_.size()) + ": resume it with mpirun -np " + std::to_string(processes) +
                     (processes == 1 ? " (or without mpirun)" : ""));
  auto need = [&](const std::string& name, size_t size) -> const std::vector<float>& {
    auto it = ck.tensors.find(name);
    if (it == ck.tensors.end() || it->second.size() != size)
      throw InputError(path + ": tensor '" + name + "' missing or of the wrong size for this model");
    return it->second;
  };
  for (const auto& p : task_->table().entries()) {
    const auto& v = need("param/" + p.name, p.size);
    std::copy(v.begin(), v.end(), task_->params() + p.offset);
  }
  if (const auto d = ck.meta.find("data"); d != ck.meta.end() && d->is_object()) {
    const nlohmann::json now = task_->data_meta();
    for (const auto& [flag, value] : now.items())
      if (flag != "windows_per_epoch" && d->contains(flag) && (*d)[flag] != value)
        throw InputError(path + ": was trained with " + flag + " " + (*d)[flag].dump() + ", not " + value.dump() +
                         " (resume with the same data flags)");
    const int windows = task_->windows();
    if (d->value("windows_per_epoch", windows) != windows)
      throw InputError(path + ": the training data differs from the run being resumed (" +
                       std::to_string(d->value("windows_per_epoch", 0)) + " steps per epoch then, " +
                       std::to_string(windows) + " now)");
  }
  // The data the run started with: a file changed (or swapped for another) since then would
  // make --resume continue a different run than the one that stopped.
  if (const auto f = ck.meta.find("data_files"); f != ck.meta.end() && f->is_array()) {
    for (size_t i = 0; i < f->size() && i < data_files_.size(); ++i) {
      const nlohmann::json &then = (*f)[i], &now = data_files_[i];
      if (then.value("bytes", int64_t{-1}) != now["bytes"].get<int64_t>() ||
          then.value("crc32c", std::string()) != now["crc32c"].get<std::string>())
        throw InputError(now["file"].get<std::string>() + ": differs from the data the checkpoint's run was trained on (" +
                         std::to_string(then.value("bytes", int64_t{-1})) + " bytes, " + then.value("crc32c", std::string("?")) +
                         " then; " + std::to_string(now["bytes"].get<int64_t>()) + " bytes, " +
                         now["crc32c"].get<std::string>() + " now): resume with the same files");
    }
    if (f->size() != data_files_.size())
      throw InputError(path + ": the run was trained on " + std::to_string(f->size()) + " data file(s) (with --val), not " +
                       std::to_string(data_files_.size()) + ": resume with the same files");
  }
  if (ck.meta.value("optimizer", std::string()) != opt_->name())
    throw InputError(path + ": was trained with --optimizer " + ck.meta.value("optimizer", std::string("?")) +
                     ", not " + opt_->name());
  // Checkpoints from before --weight-decay existed used the optimizer's default, which the
  // run without the flag has too.
  if (ck.meta.contains("weight_decay") && ck.meta["weight_decay"].get<double>() != weight_decay_)
    throw InputError(path + ": was trained with --weight-decay " + nlohmann::json(ck.meta["weight_decay"]).dump() +
                     ", not " + nlohmann::json(weight_decay_).dump() + " (resume with the same value)");
  // Checkpoints from before --precision existed were fp32.
  if (ck.meta.value("precision", std::string("fp32")) != o_.precision)
    throw InputError(path + ": was trained with --precision " + ck.meta.value("precision", std::string("fp32")) +
                     ", not " + o_.precision + " (resume with the same precision)");
  for (auto& [name, buf] : opt_->state()) *buf = need("optim/" + name, buf->size());
  // Put back model.safetensors as it was at the checkpoint: a stop evaluation after it may
  // have saved weights that the uninterrupted run would never have saved.
  saved_params_.resize(task_->num_params());
  bool has_model = true;
  for (const auto& p : task_->table().entries()) has_model = has_model && ck.tensors.count("model/" + p.name);
  if (has_model) {
    for (const auto& p : task_->table().entries()) {
      const auto& v = need("model/" + p.name, p.size);
      std::copy(v.begin(), v.end(), saved_params_.begin() + p.offset);
    }
    if (root_) models::save_weights((fs::path(o_.out) / "model.safetensors").string(), task_->table(), saved_params_.data());
  } else {
    saved_params_.assign(task_->params(), task_->params() + task_->num_params());
  }
  task_->restore_state(ck);
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
    if (root_ && fs::exists(log_path, ec)) fs::resize_file(log_path, m.at("log_bytes").get<int64_t>(), ec);
  } catch (const nlohmann::json::exception& e) {
    throw InputError(path + ": damaged checkpoint metadata: " + e.what());
  }
  if (dealt_epoch_ == epoch_ && !data_rng_epoch_start_.empty()) {
    // Re-deal this epoch's order exactly as it was dealt (data_rng_ is already past it).
    Rng r;
    r.load(data_rng_epoch_start_);
    task_->deal(r);
  }
}

void Trainer::set_up() {
  if (comm_.size() > 1) {
    if (o_.task == "seq2seq")
      throw InputError("--task seq2seq: training over several processes is not built yet; run it as one process");
    if (o_.batch_size % comm_.size() != 0)
      throw InputError("--batch-size " + std::to_string(o_.batch_size) + ": not divisible by the " +
                       std::to_string(comm_.size()) + " processes (the batch is global, split evenly over them)");
  }
  if (root_) {
    out_lock_.emplace(o_.out);  // one writer per model directory, until run() returns
    check_out_dir(o_);
  }

  // The task reads the data and builds the tokenizer and the network. A resumed run takes its
  // kind of model and tokenizer from the model in --out, whatever the flags say.
  std::string kind = o_.task;
  ResumedModel resumed;
  if (o_.resume) {
    const fs::path cfg_path = fs::path(o_.out) / "config.json";
    resumed.config = io::read_config(cfg_path.string());
    kind = resumed.config.task;
    if (kind != o_.task)
      throw InputError("--out " + o_.out + ": holds a " + kind + " model; resume it with --task " + kind);
    resumed.tokenizer = text::load_tokenizer((fs::path(o_.out) / "tokenizer.json").string());
  }
  o_.precision = resolve_precision(o_.precision, kind);
  precision_.emplace(o_.precision);
  task_ = kind == "seq2seq" ? make_seq2seq_task(o_, o_.resume ? &resumed : nullptr)
                            : make_lm_task(o_, o_.resume ? &resumed : nullptr, comm_);
  for (const std::string& f : o_.data) data_files_.push_back(file_fingerprint(f));
  if (!o_.val.empty()) data_files_.push_back(file_fingerprint(o_.val));
  data_rng_ = Rng(o_.seed + 2);

  OptimizerOptions oo = optimizer_defaults(o_.optimizer);
  if (o_.weight_decay) std::visit([&](auto& v) { v.weight_decay = *o_.weight_decay; }, oo);
  weight_decay_ = std::visit([](const auto& v) { return v.weight_decay; }, oo);
  opt_ = make_optimizer(oo, task_->num_params());
  const double default_lr = o_.optimizer == "sgd" ? 1.0 : o_.optimizer.rfind("rmsprop", 0) == 0 ? 1e-3 : 2e-3;
  LrScheduleOptions so;
  so.rule = parse_lr_rule(o_.lr_schedule);
  so.lr = o_.lr.value_or(default_lr);
  so.decay = o_.lr_decay;
  so.decay_after = o_.lr_decay_after;
  const int64_t per_epoch = task_->windows();
  so.total_steps = o_.max_steps > 0 ? std::min(o_.max_steps, static_cast<int64_t>(o_.epochs) * per_epoch)
                                    : static_cast<int64_t>(o_.epochs) * per_epoch;
  so.time_budget = o_.max_time > 0;
  so.warmup_steps = o_.warmup;
  so.min_lr = o_.min_lr;
  schedule_ = std::make_unique<LrSchedule>(so);

  if (o_.resume) restore_checkpoint();
}

void Trainer::check_processes() {
  if (comm_.size() == 1) return;
  // Every process must have read the same files and built the same network: the batches they
  // share out would otherwise not be one batch.
  const uint32_t data = util::crc32c(0, data_files_.dump());
  if (!comm_.same(task_->windows()) || !comm_.same(static_cast<int64_t>(task_->num_params())) || !comm_.same(data))
    throw InputError("the " + std::to_string(comm_.size()) +
                     " processes read different training data or built different models: every process needs the "
                     "same files at the same paths (docs/distributed.md)");
  // Bitwise the same starting weights everywhere, whatever each process computed.
  comm_.broadcast(task_->params(), task_->num_params());
}

TrainResult Trainer::run() {
  // A process that fails here (a flag, its lock, --out, a file it cannot read) must end the
  // others too, not leave them waiting in the first collective: all vote before any collective.
  std::exception_ptr failed;
  try {
    validate(o_);
    // Several processes: "all cores" means the cores this one is bound to.
    ops::set_num_threads(o_.threads > 0 ? o_.threads : comm_.size() > 1 ? allowed_cores() : hardware_threads());
    set_up();
  } catch (...) {
    failed = std::current_exception();
  }
  double failures = failed ? 1 : 0;
  comm_.sum(&failures, 1);
  if (failures > 0) {
    if (!failed)
      throw dist::DistError("process " + std::to_string(comm_.rank()) +
                            ": another process failed while setting up (see its message)");
    if (failures == comm_.size() && !root_) dist::silence_errors();  // rank 0 says it for all
    std::rethrow_exception(failed);
  }
  comm_.set_timeout(o_.mpi_timeout);
  comm_.set_bucket_bytes(static_cast<size_t>(o_.bucket_mb * 1024 * 1024));
  comm_.set_overlap(o_.overlap);
  check_processes();
  if (!o_.resume) create_model_dir();
  const ModelConfig& cfg = task_->config();
  const int per_epoch = task_->windows();

  progress_.message("rnngen train: " + std::string(cfg.task == "seq2seq" ? "seq2seq, " : "") +
                    std::to_string(task_->num_params()) + " parameters, vocab " +
                    std::to_string(cfg.vocab_size) + ", " + std::to_string(per_epoch) +
                    " steps per epoch, " + std::to_string(ops::num_threads()) + " threads" +
                    (comm_.size() > 1 ? " x " + std::to_string(comm_.size()) + " processes" : "") +
                    (o_.precision == "bf16" ? ", bf16 GEMMs" : ", fp32") +
                    (o_.resume ? ", resuming at step " + std::to_string(step_) : "") + "; ready in " +
                    number_text(std::round(seconds_since(started_) * 100) / 100) + " s");
  if (!task_->note().empty()) progress_.message(task_->note());
  if (comm_.size() > 1 && ops::num_threads() > allowed_cores())
    progress_.message("note: --threads " + std::to_string(ops::num_threads()) + " but each process is bound to " +
                      std::to_string(allowed_cores()) + " core(s); give mpirun --bind-to none or --map-by ppr:1:socket "
                      "(docs/distributed.md)");

  const StopSignalGuard stop_signals;  // SIGINT, SIGTERM, SIGHUP: stop after this step
  start_ = Clock::now();
  grads_wait_before_ = comm_.grads_wait_seconds();
  TrainResult res;
  auto evaluate_and_log = [&] {
    check_weights();
    const double train_nll = run_count_ ? run_nll_ / run_count_ : 0.0;
    const Validation v = validate_model();
    sampled_validation_ = sampled_validation_ || v.partial;
    const double val = v.nll;
    last_train_nll_ = train_nll;
    last_eval_step_ = step_;
    run_nll_ = 0;
    run_count_ = 0;
    log_eval(train_nll, v);
    if (val >= 0) schedule_->on_validation(val);
    const bool better = val >= 0 && (best_val_ < 0 || val < best_val_);
    if (better) best_val_ = val;
    if (better || val < 0) save_model_weights();
    char line[240], val_text[32] = "-", acc_text[40] = "";
    // Rounded like the summary line at the end (%.4f), not truncated, so the two agree.
    if (val >= 0) std::snprintf(val_text, sizeof val_text, "%.4f", val);
    if (v.accuracy >= 0) std::snprintf(acc_text, sizeof acc_text, "  accuracy %.2f%%", 100 * v.accuracy);
    std::snprintf(line, sizeof line, "epoch %.2f  step %lld  train %.4f  val %s%s  lr %.3g%s",
                  epoch_ + static_cast<double>(window_) / per_epoch, static_cast<long long>(step_), train_nll,
                  val_text, acc_text, lr(), better ? "  (best, saved)" : "");
    progress_.message(line);
  };

  std::string stopped = "epochs";
  while (epoch_ < o_.epochs) {
    if (dealt_epoch_ != epoch_) {
      data_rng_epoch_start_ = data_rng_.save();
      task_->deal(data_rng_);
      dealt_epoch_ = epoch_;
    }
    bool stop = false;
    while (window_ < per_epoch) {
      if (o_.max_steps > 0 && step_ >= o_.max_steps) { stopped = "max-steps"; stop = true; break; }
      // Every process stops at the same step: the time limit and a signal are voted on.
      double why[2] = {o_.max_time > 0 && seconds_since(*start_) >= o_.max_time ? 1.0 : 0.0,
                       stop_signal() || (o_.stop_requested && o_.stop_requested()) ? 1.0 : 0.0};
      comm_.sum(why, 2);
      if (why[0] > 0) { stopped = "max-time"; stop = true; break; }
      if (why[1] > 0) { stopped = "interrupt"; stop = true; break; }
      const auto t0 = Clock::now();
      const StepLoss loss = task_->forward(window_, layers::dropout_step_key(o_.seed, step_));
      // The loss is the mean over the global batch's tokens: every process scales its
      // gradients by the global count, so that their sum is the one process's gradient.
      double global[2] = {loss.sum, static_cast<double>(loss.count)};
      comm_.sum(global, 2);
      const double sum = global[0];
      const int64_t count = static_cast<int64_t>(global[1]);
      if (!std::isfinite(sum)) diverged(step_ + 1, "the loss is " + number_text(sum / static_cast<double>(std::max<int64_t>(count, 1))));
      if (count > 0) {
        comm_.grads_begin(task_->grads(), task_->num_params());
        TrainTask::GradsReady ready;
        if (comm_.size() > 1) ready = [this](size_t offset) { comm_.grads_ready(offset); };
        task_->backward(1.0f / static_cast<float>(count), ready);
        comm_.grads_end();
        float clip = 1.0f;  // clipping's factor, applied as the optimizer reads the gradients
        if (o_.clip > 0) {  // the norm comes with clipping; without it, the next loss shows a bad step
          const double norm = grad_norm(task_->grads(), task_->num_params());
          if (!std::isfinite(norm)) diverged(step_ + 1, "the gradient norm is " + number_text(norm));
          clip = clip_factor(norm, o_.clip);
        }
        opt_->step(task_->params(), task_->grads(), lr(), clip);
      }
      task_->end_step();
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
      if (o_.sample_every > 0 && step_ % o_.sample_every == 0) {
        check_weights();
        if (root_) task_->print_samples(step_, progress_);
      }
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
    if (last_eval_step_ != step_ && !sampled_validation_) evaluate_and_log();
  }
  if (sampled_validation_) final_full_validation();
  // No process leaves before rank 0 has written: a stop by signal exits non-zero, and the CLI's
  // MPI_Abort would end rank 0 in the middle of its last save.
  comm_.any(false);
  progress_.finish();
  if (comm_.size() > 1 && steps_this_run_ > 0) {
    char line[160];
    const double wait = comm_.grads_wait_seconds() - grads_wait_before_;
    std::snprintf(line, sizeof line, "allreduce: %.2f ms per step waited for the gradient sum (%.1f%% of %.2f ms per step), %d processes",
                  1e3 * wait / static_cast<double>(steps_this_run_), 100 * wait / std::max(1e-9, train_seconds_),
                  1e3 * train_seconds_ / static_cast<double>(steps_this_run_), comm_.size());
    progress_.message(line);
  }

  res.steps = step_;
  res.tokens = tokens_;
  res.best_val_nll = best_val_;
  res.last_train_nll = last_train_nll_;
  res.elapsed_s = elapsed();
  res.stopped_by = stopped;
  res.signal = stop_signal();
  res.root = root_;
  return res;
}

// The evaluations along the way scored a sample of the held-out data; the model the user gets
// is chosen on all of it: the final weights against the best ones the samples picked.
void Trainer::final_full_validation() {
  check_weights();
  const Validation last = task_->validate(0);
  const size_t n = task_->num_params();
  const bool same = std::equal(saved_params_.begin(), saved_params_.end(), task_->params());
  Validation best = last;
  if (!same) {
    const std::vector<float> current(task_->params(), task_->params() + n);
    std::copy(saved_params_.begin(), saved_params_.end(), task_->params());
    best = task_->validate(0);
    std::copy(current.begin(), current.end(), task_->params());
  }
  const bool keep_final = same || last.nll <= best.nll;
  if (keep_final && !same) save_model_weights();
  const Validation& kept = keep_final ? last : best;
  best_val_ = kept.nll;
  log_eval(run_count_ ? run_nll_ / run_count_ : last_train_nll_, kept);
  char line[200];
  if (same)
    std::snprintf(line, sizeof line, "all held-out data: %.4f (the saved model)", last.nll);
  else
    std::snprintf(line, sizeof line, "all held-out data: final weights %.4f, best earlier weights %.4f: kept the %s",
                  last.nll, best.nll, keep_final ? "final ones (saved)" : "earlier ones");
  progress_.message(line);
}

TrainResult run_training(const TrainOptions& options) {
  Trainer t(options);
  return t.run();
}

}  // namespace rnngen::train
