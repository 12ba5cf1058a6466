#!/usr/bin/env bash
# Seed 004 (DL from Scratch 2, ch. 8): date format conversion with attention,
# "september 27, 1994           _1994-09-27". The book's settings: reversed source, embedding
# 16, hidden 256, batch 128, Adam lr 1e-3, clip 5, 3 epochs; train = the first 45,000 lines,
# test = the last 5,000. Two models:
#   book:          one LSTM layer of 256 reading the reversed source (the book's AttentionSeq2seq);
#   bidirectional: the encoder's 256 units split into 128 reading each way (its outputs, and
#                  the decoder, are 256 wide as in the book).
# Prints the test accuracy after each epoch and draws the attention map of one date (the
# book's figure 8-26) to out/seq2seq_dates/<model>/attention.png.
#
#   examples/seq2seq_dates.sh              # about 4 minutes at 2 threads
source "$(dirname "$0")/common.sh"
need_data seq2seq/date.txt
book=(--task seq2seq --separator _ --reverse-source --decoder attention --embed-size 16 --num-layers 1
      --batch-size 128 --optimizer adam --lr 1e-3 --clip 5 --epochs 3 --val-fraction 0.1 --threads "$threads" --force -q)
for model in book bidirectional; do
  if [[ $model == book ]]; then extra=(--hidden-size 256); else extra=(--hidden-size 128 --bidirectional-encoder); fi
  "$bin" train "$data/seq2seq/date.txt" --out "$out/$model" "${book[@]}" "${extra[@]}"
  echo "$model: test accuracy (the last 5,000 lines) after each epoch:"
  sed 's/.*"epoch":\([0-9.]*\).*"val_accuracy":\([0-9.e-]*\).*/\1 \2/' "$out/$model/train_log.jsonl" |
    awk '{ printf "  epoch %d  %.2f%%\n", $1, 100 * $2 }'
  "$bin" plot "$out/$model" > /dev/null
  "$bin" translate "$out/$model" --input "$(printf "%-29s" "August 19, 2003")" --attention-map "$out/$model/attention.png"
done
echo "$name: ${SECONDS}s"
