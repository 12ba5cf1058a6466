#!/usr/bin/env bash
# Seeds 000/001 (Chollet, "Deep Learning with Python", text generation with LSTM): a char
# LSTM on Nietzsche, lower-cased, one-hot input, LSTM(128) -> Dense softmax, RMSprop(lr=0.01),
# windows of 60 chars, samples at temperatures 0.2, 0.5, 1.0 and 1.2 from a fixed seed text.
#
#   examples/nietzsche_char_lstm.sh                       # short budget: 150 s of training
#   RNNGEN_BUDGET=3600 examples/nietzsche_char_lstm.sh    # the full run (1 hour)
#
# What differs from the seed: Keras cuts 200,278 windows of 60 chars (step 3) and predicts
# only the char after each; rnngen reads the text as 128 streams, predicts every char and
# carries the state across 60-char windows (truncated BPTT). Our loss is the mean over all
# predicted chars, in nats, like Keras's categorical cross-entropy.
#
# Measured on this machine, SHORT BUDGET: `examples/nietzsche_char_lstm.sh` (150 s,
# --threads 2), 176 s wall in all. The 2 cores were shared with other engineers' builds and
# runs (load average 9.8), so this is slower than a quiet machine would be:
#   75 steps = 1.00 epoch = 570,624 chars predicted, 4.8k chars/s in training steps; training
#   stopped at 174 s (the last step and the epoch-end validation ran past the 150 s mark
#   under that load)
#   train loss 2.4776 nats/char (mean of steps 61-75), validation 2.3723 (last 5% of the text)
#   T = 0.2: "through forere the the the the the the the ..." - still mostly "the"
#   T = 1.0: "through fod ialy ang noele,and silg aenithe, oul full my vo ..."
# For scale: one Keras epoch of the seed runs the LSTM over 200,278 x 60 = 12.0M char
# positions; these 150 s ran it over 0.57M, about 1/21 of one Keras epoch. The seed's
# samples after its epoch 1 ("through for the conder and and in the command the
# conderstand ...") are already past this stage.
#
# The seed's own figures: its log (000) shows samples after epochs 1 and 5 only, no loss;
# the issue quotes a train loss of 1.2021 after 40 Keras epochs, a figure not in seeds
# 000-003 as we have them. 40 Keras epochs are 40 x 200,278 windows; we do not run that here.
source "$(dirname "$0")/common.sh"
need_data nietzsche.txt
budget=${RNNGEN_BUDGET:-150}

# The seed lower-cases the text (text.lower()).
python3 -c 'import sys; sys.stdout.write(open(sys.argv[1], encoding="utf-8").read().lower())' \
  "$data/nietzsche.txt" > "$work/nietzsche_lower.txt"

"$bin" train "$work/nietzsche_lower.txt" --out "$out" --force \
  --embed-size 0 --cell lstm --hidden-size 128 --num-layers 1 \
  --optimizer rmsprop-keras --lr 0.01 --seq-len 60 --batch-size 128 \
  --init keras --val-fraction 0.05 --eval-every 20 --epochs 1000 \
  --max-time "$budget" --threads "$threads" --seed 42
train_s=$SECONDS

# The seed's seed text (random.seed(42); its start_index), 400 chars at each temperature.
prime=$'the slowly ascending ranks and classes, in which,\nthrough fo'
for t in 0.2 0.5 1.0 1.2; do
  echo
  echo "------ temperature $t"
  "$bin" sample "$out" --prime "$prime" --length 400 --temperature "$t" --seed 1
done
echo
"$bin" plot "$out"
tail -n 1 "$out/train_log.jsonl"
echo "$name: trained ${train_s} s, total ${SECONDS} s"
