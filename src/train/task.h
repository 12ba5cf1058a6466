// What the trainer's loop (train/trainer.cc) asks of a kind of model: the language model
// (train/lm_task.h) and the encoder-decoder (train/seq2seq_task.h) each implement it, so that
// epochs, limits, clipping, the optimizer, validation cadence, checkpoints and resuming are
// written once.
#pragma once
#include <cstdint>
#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>

#include "dist/comm.h"
#include "models/param_table.h"
#include "rnngen/config.h"
#include "text/tokenizer.h"
#include "train/checkpoint.h"
#include "train/options.h"
#include "util/progress.h"
#include "util/rng.h"

namespace rnngen::train {

struct StepLoss {
  double sum = 0;  // summed NLL over the step's counted targets
  int count = 0;
};

struct Validation {
  double nll = -1;       // nats per target token, -1 = no validation data
  double accuracy = -1;  // exact-match accuracy (seq2seq), -1 = not measured
  bool partial = false;  // a sample of the held-out data, not all of it
};

class TrainTask {
 public:
  virtual ~TrainTask() = default;

  virtual const ModelConfig& config() const = 0;
  virtual const text::Tokenizer& tokenizer() const = 0;
  virtual const models::ParamTable& table() const = 0;
  virtual float* params() = 0;
  virtual float* grads() = 0;
  virtual size_t num_params() const = 0;

  virtual int windows() const = 0;  // steps per epoch
  // Deals an epoch's order from data_rng (a resumed run re-deals from the RNG state saved at
  // the epoch's start, so the order is a function of that state alone).
  virtual void deal(Rng& data_rng) = 0;
  // One training step: forward with dropout drawn from drop_key (a function of the seed and the
  // step: dropout_step_key), the gradient kept for backward. Under several processes this
  // process's share of the global batch; the loss is its share's.
  virtual StepLoss forward(int window, uint64_t drop_key) = 0;
  // Zeroes the gradients and adds scale * d(summed NLL)/d(params). ready(offset), when given,
  // may be called as soon as grads()[offset, num_params()) are final.
  using GradsReady = std::function<void(size_t offset)>;
  virtual void backward(float scale, const GradsReady& ready) = 0;
  // After the optimizer step (the language model carries its state to the next window).
  virtual void end_step() {}

  // The held-out loss: over at most about `max_tokens` target tokens spread over the held-out
  // data (0 = all of it), so that frequent evaluations during training stay cheap.
  virtual Validation validate(int64_t max_tokens) = 0;
  // config.json, tokenizer.json and model.safetensors from the current weights.
  virtual void save_model_dir(const std::string& dir) const = 0;
  // What shapes the windows, recorded in checkpoints: resuming under other values is refused.
  virtual nlohmann::json data_meta() const = 0;
  // Task state beyond the weights (the carried recurrent state) into and out of checkpoints.
  // save_state is collective under several processes (it gathers every process's rows); only
  // rank 0's `ck` holds the result.
  virtual void save_state(Checkpoint& ck) const { (void)ck; }
  virtual void restore_state(const Checkpoint& ck) { (void)ck; }
  // Printed once after the header (what validation leaves out), or "".
  virtual std::string note() const { return ""; }
  // --sample-every: show what the model does now.
  virtual void print_samples(int64_t step, Progress& progress) = 0;
};

// The accessors every task answers from its network and its tokenizer (Net: models::RnnLm,
// models::Seq2Seq).
template <typename Net>
class NetTask : public TrainTask {
 public:
  const ModelConfig& config() const override { return net_->config(); }
  const text::Tokenizer& tokenizer() const override { return *tok_; }
  const models::ParamTable& table() const override { return net_->table(); }
  float* params() override { return net_->params(); }
  float* grads() override { return net_->grads(); }
  size_t num_params() const override { return net_->num_params(); }

 protected:
  // The network's shape from the flags both kinds of model share.
  static void shape_network(ModelConfig& cfg, const TrainOptions& o, int vocab_size) {
    cfg.cell = o.cell;
    cfg.vocab_size = vocab_size;
    cfg.embed_size = o.embed_size;
    cfg.hidden_size = o.hidden_size;
    cfg.num_layers = o.num_layers;
    cfg.dropout = o.dropout;
  }

  std::unique_ptr<text::Tokenizer> tok_;
  std::unique_ptr<Net> net_;
};

// Builds the task for `o` (reading the data, building or taking the tokenizer, making and
// initialising the network from o.seed). On --resume, `resumed` is the model in --out.
struct ResumedModel {
  ModelConfig config;
  std::unique_ptr<text::Tokenizer> tokenizer;
};
// comm: the processes that share each batch (the language model shards its rows over them).
std::unique_ptr<TrainTask> make_lm_task(const TrainOptions& o, ResumedModel* resumed, dist::Comm& comm);
std::unique_ptr<TrainTask> make_seq2seq_task(const TrainOptions& o, ResumedModel* resumed);

}  // namespace rnngen::train
