#!/usr/bin/env bash
# Seed 004 / Deep Learning from Scratch 2, ch06/train_rnnlm.py: the Rnnlm on Penn Treebank,
# then generation as in ch07 (a start word, a prime, and the skipped tokens N <unk> $).
#
#   book                                     rnngen
#   ptb.load_data: '\n' -> <eos>, split      --tokenizer word --word-style ptb (same tokens)
#   Rnnlm: Embedding 100, LSTM 100, Affine   --embed-size 100 --hidden-size 100 --num-layers 1
#   SGD lr 20, max_grad 0.25                 --optimizer sgd --lr 20 --clip 0.25
#   batch 20, time_size 35, 4 epochs         --batch-size 20 --seq-len 35 --epochs 4
#   init: embedding randn/100, weights       --init dlfs2 (the same distributions; INIT=pytorch
#     randn/sqrt(fan_in), biases 0              for torch.nn's defaults)
#   test: eval_perplexity(batch 10)          rnngen eval on ptb.test.txt (one stream)
#
#   examples/ptb_rnnlm.sh [EPOCHS]      (default 4; outputs under out/ptb_rnnlm/)
# Environment: RNNGEN (default build/rnngen), DATA (default ../shared/data), THREADS (default 1),
# INIT (default dlfs2).
set -euo pipefail
cd "$(dirname "$0")/.."
rnngen=${RNNGEN:-build/rnngen}
ptb=${DATA:-../shared/data}/ptb
epochs=${1:-4}
out=out/ptb_rnnlm
mkdir -p out
rm -rf "$out"

/usr/bin/time -f "train wall time: %e s" \
  "$rnngen" train "$ptb/ptb.train.txt" --val "$ptb/ptb.valid.txt" --out "$out" \
  --tokenizer word --word-style ptb \
  --cell lstm --embed-size 100 --hidden-size 100 --num-layers 1 --init "${INIT:-dlfs2}" \
  --optimizer sgd --lr 20 --clip 0.25 --batch-size 20 --seq-len 35 --epochs "$epochs" \
  --seed 1 --threads "${THREADS:-1}" -q
"$rnngen" eval "$out" "$ptb/ptb.test.txt" --json | tee "$out/test_eval.json"
echo "(book, ch06 train_rnnlm.py: test perplexity about 136)"

# ch07: a start word; then the prime "the meaning of life is"; never N, <unk> or $.
"$rnngen" sample "$out" --prime you --length 100 --skip-tokens 'N <unk> $' --seed 1
"$rnngen" sample "$out" --prime 'the meaning of life is' --length 100 --skip-tokens 'N <unk> $' --seed 1
