#!/usr/bin/env bash
# Seed 002 (SeedBank "Char RNN", TensorFlow): an embedding as wide as the state, stacked
# LSTMCells each wrapped in a DropoutWrapper (output keep 1 - dropout), a fully connected
# layer to the classes, trained on Shakespeare and sampled from a prime.
#
#   examples/shakespeare_seedbank.sh                       # short budget: 150 s of training
#   RNNGEN_BUDGET=3600 examples/shakespeare_seedbank.sh    # the full run (1 hour)
#
# Our choices where the seed does not say: state 256, 2 layers, dropout 0.2, Adam 2e-3,
# batch 32, windows of 100. rnngen's --dropout sits between layers and before the decoder,
# which is where the seed's output dropout on each layer acts. The seed trained on the
# complete works (its excerpt is Sonnet 1); we use tinyshakespeare (1.1 MB of the plays).
#
# Measured on this machine, SHORT BUDGET: `examples/shakespeare_seedbank.sh` (150 s,
# --threads 2), 165 s wall in all. The 2 cores were shared with other engineers' builds and
# runs (load average ~10), so training ran at 1.0k chars/s, far below a quiet machine:
#   25 steps = 0.08 epoch (80,000 chars), 80 s of training steps; the validation at step 25
#   (111k chars) took most of the rest, and training stopped at 163 s
#   train loss 3.2475 nats/char, validation 2.7633
#   T = 0.5: "ANTONIO: an it and to me the the ae tis on to ans pany wo the an al a ans ..."
#   T = 1.0: "ANTONIO:, h htf no npche the the aa ros me oud ..."
#
# The seed's figures: none (its post shows a sample only, from a model trained briefly).
source "$(dirname "$0")/common.sh"
need_data tinyshakespeare.txt
budget=${RNNGEN_BUDGET:-150}

"$bin" train "$data/tinyshakespeare.txt" --out "$out" --force \
  --embed-size 256 --cell lstm --hidden-size 256 --num-layers 2 --dropout 0.2 \
  --optimizer adam --lr 2e-3 --seq-len 100 --batch-size 32 \
  --val-fraction 0.1 --eval-every 25 --epochs 1000 \
  --max-time "$budget" --threads "$threads" --seed 1
train_s=$SECONDS

for t in 0.5 1.0; do
  echo
  echo "------ temperature $t"
  "$bin" sample "$out" --prime "ANTONIO:" --length 400 --temperature "$t" --seed 1
done
echo
"$bin" plot "$out"
tail -n 1 "$out/train_log.jsonl"
echo "$name: trained ${train_s} s, total ${SECONDS} s"
