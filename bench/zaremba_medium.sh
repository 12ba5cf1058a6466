#!/usr/bin/env bash
# Zaremba et al. 2014, the "medium" regularised PTB model: 2 x LSTM 650, dropout 0.5 on the
# non-recurrent connections (embedding output, between the layers, before the decoder), every
# parameter uniform in [-0.05, 0.05], SGD lr 1 on the summed loss (our 20, clip 5/20 = 0.25),
# 39 epochs, lr x 1/1.2 each epoch after the 6th, batch 20, unrolled 35 steps. Paper: 82.7 test
# perplexity. Same harness as zaremba_small.sh (rnngen, then PyTorch, wall time and test
# perplexity for each); many hours on 2 cores for each side.
#
# rnngen's --dropout covers "between the layers and before the decoder" (the contract's
# meaning); Zaremba and PyTorch's recipe also drop the embedding output, which
# --embed-dropout adds (the harness passes the same P to both).
#
#   bench/zaremba_medium.sh
#   EPOCHS=1 TRAIN_LINES=500 EVAL_LINES=100 bench/zaremba_medium.sh     a smoke test
set -euo pipefail
cd "$(dirname "$0")/.."
HIDDEN=650 DROPOUT=0.5 INIT=0.05 DECAY=0.8333333333 DECAY_AFTER=6 BPTT=35 \
  EPOCHS=${EPOCHS:-39} OUT=${OUT:-out/zaremba_medium} exec bench/zaremba_small.sh
