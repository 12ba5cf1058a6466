#!/usr/bin/env bash
# Seed 004 / Deep Learning from Scratch 2, ch06/train_better_rnnlm.py: BetterRnnlm on Penn
# Treebank (2 x LSTM 650, dropout 0.5, tied embedding and decoder, lr / 4 whenever validation
# perplexity gets worse), then ch07's generation.
#
#   book                                        rnngen
#   wordvec 650, hidden 650, 2 LSTM layers      --embed-size 650 --hidden-size 650 --num-layers 2
#   Dropout 0.5 after the embedding, between    --dropout 0.5 --embed-dropout 0.5
#     the layers and before the Affine
#   weight tying                                --tie-weights
#   init: embedding (= the tied decoder)        --init dlfs2 (the same distributions; PyTorch's
#     randn/100, LSTM randn/sqrt(650), biases 0   default gives the tied embedding N(0, 1): loss
#                                                 12.96 after 20 steps; docs/word_models.md)
#   SGD lr 20, max_grad 0.25, batch 20, T 35    --optimizer sgd --lr 20 --clip 0.25 --batch-size 20 --seq-len 35
#   40 epochs; after each, if validation ppl    --epochs 40 --lr-schedule plateau --lr-decay 0.25
#     is worse than the best: lr /= 4             (plateau: lr x 0.25 when validation loss does not
#                                                  improve on the best; the best model is kept)
#
#   examples/ptb_better_rnnlm.sh [EPOCHS] [MAX_SECONDS]   (defaults 40 and no limit)
#   RESUME=1 examples/ptb_better_rnnlm.sh      continues $OUT from its last checkpoint (written
#                                              every 500 steps and when stopped): a run longer
#                                              than one sitting
# A full run is 40 passes over 929,589 tokens with a 2 x 650 network: at the 226-261 tokens/s
# measured on a busy 2-core machine, about 40 hours; at the 1,000 tokens/s of an idle Zen 3
# (2 threads, 2026-12-02) about 10 hours; Zen 5 trains this shape at about 3,000 tokens/s
# (docs/word_models.md), 3.5 hours. A short trial: ptb_better_rnnlm.sh 1 300.
# Environment: RNNGEN (default build/rnngen), DATA (default ../shared/data), THREADS (default 2),
# OUT (default out/ptb_better_rnnlm), RESUME=1, PRECISION (--precision, default fp32; bf16 on
# CPUs with AVX512-BF16).
set -euo pipefail
cd "$(dirname "$0")/.."
rnngen=${RNNGEN:-build/rnngen}
ptb=${DATA:-../shared/data}/ptb
epochs=${1:-40}
max_time=${2:-0}
out=${OUT:-out/ptb_better_rnnlm}
resume_flag=()
if [[ ${RESUME:-0} == 1 && -f "$out/checkpoint/state.safetensors" ]]; then
  resume_flag=(--resume)
  echo "resuming $out at its checkpoint"
else
  rm -rf "$out"
fi
mkdir -p "$(dirname "$out")"

/usr/bin/time -f "train wall time (this sitting): %e s" \
  "$rnngen" train "$ptb/ptb.train.txt" --val "$ptb/ptb.valid.txt" --out "$out" "${resume_flag[@]}" \
  --tokenizer word --word-style ptb \
  --cell lstm --embed-size 650 --hidden-size 650 --num-layers 2 \
  --dropout 0.5 --embed-dropout 0.5 --tie-weights --init dlfs2 \
  --optimizer sgd --lr 20 --clip 0.25 --batch-size 20 --seq-len 35 --epochs "$epochs" \
  --lr-schedule plateau --lr-decay 0.25 --max-time "$max_time" --eval-every 0 \
  --seed 1 --threads "${THREADS:-2}" --precision "${PRECISION:-fp32}" -q
echo "training time over all sittings: $(tail -n 1 "$out/train_log.jsonl" | grep -o '"elapsed_s":[0-9.e+]*' | cut -d: -f2) s"
"$rnngen" eval "$out" "$ptb/ptb.test.txt" --json | tee "$out/test_eval.json"
echo "(book, ch06 train_better_rnnlm.py: test perplexity about 75.8)"

"$rnngen" sample "$out" --prime you --length 100 --skip-tokens 'N <unk> $' --seed 1
"$rnngen" sample "$out" --prime 'the meaning of life is' --length 100 --skip-tokens 'N <unk> $' --seed 1
