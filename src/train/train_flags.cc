#include "train/train_flags.h"

namespace rnngen::train {

namespace {
// As tools/rnngen/commands.h's: the message names the value (a uint64_t flag would otherwise
// wrap a negative number around).
CLI::Validator not_negative() {
  return CLI::Validator(
      [](std::string& v) { return !v.empty() && v[0] == '-' ? "must not be negative, got " + v : std::string(); },
      "", "not_negative");
}
}  // namespace

void add_train_flags(CLI::App& sub_app, TrainOptions& o) {
  CLI::App* sub = &sub_app;
  sub->add_option("DATA", o.data, "training text file(s), UTF-8")->required();
  sub->add_option("--out", o.out, "model directory to write")->required();
  sub->add_option("--task", o.task, "lm | seq2seq (DATA lines are 'source SEP target')")->capture_default_str();

  auto* s2s = "Seq2seq (--task seq2seq)";
  sub->add_option("--separator", o.separator, "between source and target on each line (default: a tab)")->group(s2s);
  sub->add_option("--source-column", o.source_column, "CSV data: the source column")->group(s2s);
  sub->add_option("--target-column", o.target_column, "CSV data: the target column")->group(s2s);
  sub->add_option("--decoder", o.decoder, "plain | peeky | attention")->capture_default_str()->group(s2s);
  sub->add_flag("--reverse-source", o.reverse_source, "the encoder reads each source backwards")->group(s2s);
  sub->add_flag("--bidirectional-encoder", o.bidirectional_encoder,
                "encoder layers read both ways (the decoder gets 2 x --hidden-size units)")->group(s2s);
  sub->add_option("--max-target-len", o.max_target_len, "refuse targets longer than N tokens (0 = no limit)")->group(s2s);

  auto* text = "Text";
  sub->add_option("--tokenizer", o.tokenizer, "char | word | jamo | subword")->capture_default_str()->group(text);
  sub->add_option("--word-style", o.word_style, "with --tokenizer word: keras | ptb")->capture_default_str()->group(text);
  sub->add_option("--num-words", o.num_words, "word: keep the N-1 most frequent words (Keras num_words)")->group(text);
  sub->add_option("--oov-token", o.oov_token, "word: token for words outside the vocabulary")->group(text);
  sub->add_option("--vocab-size", o.vocab_size, "subword: number of pieces")->group(text);
  sub->add_option("--subword-model", o.subword_model, "subword: unigram | bpe")->capture_default_str()->group(text);
  sub->add_option("--sequences", o.sequences,
                  "stream: one long sequence, state carried across windows; lines: every line from a zero state")
      ->capture_default_str()->group(text);

  auto* net = "Network";
  sub->add_option("--cell", o.cell, "lstm | gru | rnn | rnn_relu")->capture_default_str()->group(net);
  sub->add_option("--embed-size", o.embed_size, "embedding width (0 = one-hot input)")->capture_default_str()->group(net);
  sub->add_option("--hidden-size", o.hidden_size, "units per recurrent layer")->capture_default_str()->group(net);
  sub->add_option("--num-layers", o.num_layers, "stacked recurrent layers")->capture_default_str()->group(net);
  sub->add_option("--dropout", o.dropout, "dropout between layers and before the decoder")->capture_default_str()->group(net);
  sub->add_option("--embed-dropout", o.embed_dropout,
                  "also drop the embedding output (Zaremba et al. 2014; PyTorch word_language_model)")
      ->capture_default_str()->group(net);
  sub->add_flag("--tie-weights", o.tie_weights, "decoder shares the embedding matrix (embed = hidden)")->group(net);
  sub->add_option("--init", o.init, "pytorch | keras | dlfs2 | uniform:A")->capture_default_str()->group(net);

  auto* sched = "Optimisation";
  sub->add_option("--seq-len", o.seq_len, "truncated-BPTT window length")->capture_default_str()->group(sched);
  sub->add_option("--batch-size", o.batch_size, "streams (or lines) per step")->capture_default_str()->group(sched);
  sub->add_option("--epochs", o.epochs, "passes over the training text")->capture_default_str()->group(sched);
  sub->add_option("--max-steps", o.max_steps, "stop after this many steps (0 = no limit)")->group(sched);
  sub->add_option("--max-time", o.max_time, "stop after this many seconds (0 = no limit)")->group(sched);
  sub->add_option("--optimizer", o.optimizer, "sgd | adam | adamw | rmsprop | rmsprop-keras")->capture_default_str()->group(sched);
  sub->add_option("--lr", o.lr, "learning rate (default: adam 2e-3, sgd 1, rmsprop 1e-3)")->group(sched);
  sub->add_option("--clip", o.clip, "clip the global gradient norm (0 = off)")->capture_default_str()->group(sched);
  sub->add_option("--weight-decay", o.weight_decay,
                  "weight decay (default: adamw 0.01, others 0); decoupled for adamw, L2 in the gradient otherwise")
      ->group(sched);
  sub->add_option("--lr-schedule", o.lr_schedule,
                  "constant | step | plateau | cosine | linear (cosine and linear decay to --min-lr at the end of "
                  "the run: --epochs, --max-steps or --max-time, whichever ends it first)")
      ->capture_default_str()->group(sched);
  sub->add_option("--warmup", o.warmup, "steps of linear warm-up to --lr at the start")->capture_default_str()->group(sched);
  sub->add_option("--min-lr", o.min_lr, "the rate cosine and linear decay to")->capture_default_str()->group(sched);
  sub->add_option("--lr-decay", o.lr_decay, "factor F for step and plateau")->capture_default_str()->group(sched);
  sub->add_option("--lr-decay-after", o.lr_decay_after, "step: decay each epoch after the first E")->capture_default_str()->group(sched);

  auto* book = "Validation and bookkeeping";
  sub->add_option("--val", o.val, "validation text file")->group(book);
  sub->add_option("--val-fraction", o.val_fraction, "hold out the last fraction of the data (0 = none)")->capture_default_str()->group(book);
  sub->add_option("--eval-every", o.eval_every, "steps between validations (0 = each epoch)")->group(book);
  sub->add_option("--val-sample", o.val_sample,
                  "held-out tokens each validation during training scores (0 = all); all of them are scored "
                  "at the end")
      ->capture_default_str()->group(book);
  sub->add_option("--checkpoint-every", o.checkpoint_every, "steps between checkpoints")->capture_default_str()->group(book);
  sub->add_option("--sample-every", o.sample_every, "print samples at T = 0.2, 0.5, 1.0, 1.2 every N steps")->group(book);
  sub->add_option("--sample-length", o.sample_length, "tokens per printed sample")->capture_default_str()->group(book);
  sub->add_option("--seed", o.seed, "random seed (same seed + threads = same model bytes)")->capture_default_str()->check(not_negative())->group(book);
  sub->add_option("--threads", o.threads, "threads (0 = all cores)")->group(book);
  sub->add_option("--precision", o.precision,
                  "auto | fp32 | bf16: GEMM inputs rounded to bf16, sums and weights fp32 (CPUs with AVX512-BF16; "
                  "about 2x the GEMM rate on Zen 5). auto: bf16 for language models where the CPU has it")
      ->capture_default_str()->group(book);
  sub->add_flag("--resume", o.resume, "continue from the checkpoint in --out")->group(book);
  sub->add_option("--resume-from", o.resume_from,
                  "resume from this checkpoint file (e.g. DIR/checkpoint/previous.safetensors, kept when "
                  "the newest is damaged) instead of the newest; implies --resume")
      ->group(book);
  sub->add_flag("--force", o.force, "replace a model already in --out")->group(book);
  sub->add_flag("-q,--quiet", o.quiet, "no progress output")->group(book);

  auto* dist = "Several processes (mpirun -np N rnngen train ...; docs/distributed.md)";
  sub->add_option("--mpi-timeout", o.mpi_timeout,
                  "seconds to wait for the other processes before giving up (a peer died or hangs)")
      ->capture_default_str()->group(dist);
  sub->add_option("--bucket-mb", o.bucket_mb, "MiB of gradients per allreduce")->capture_default_str()->group(dist);
  sub->add_flag("--no-overlap", [&o](int64_t) { o.overlap = false; },
                "sum the gradients after backward instead of during it")->group(dist);
}

}  // namespace rnngen::train
