#!/usr/bin/env bash
# Seed 004 (DL from Scratch 2, ch. 7): seq2seq on the addition toy task, "16+75  _62  " lines,
# with the book's settings: embedding 16, hidden 128, batch 128, Adam lr 1e-3, clip 5,
# 25 epochs; train = the first 45,000 lines, test = the last 5,000 (--val-fraction 0.1).
# Three models, as in the book's figure 7-25: plain, reversed source, reversed + Peeky;
# then ours: reversed + Peeky with 256 units and a cosine learning-rate schedule (lr 2e-3
# decayed to 0 over the 25 epochs), read greedily and with beam search.
#
#   examples/seq2seq_addition.sh            # all four, about 6 minutes at 2 threads
#
# Prints the book's table (exact-match test accuracy after 25 epochs) and writes each
# model's accuracy plot (out/seq2seq_addition/*/accuracy.png).
source "$(dirname "$0")/common.sh"
need_data seq2seq/addition.txt
tail -n 5000 "$data/seq2seq/addition.txt" > "$work/test.txt"
book=(--task seq2seq --separator _ --embed-size 16 --num-layers 1 --batch-size 128 --optimizer adam
      --clip 5 --epochs 25 --val-fraction 0.1 --threads "$threads" --force -q)
run() {  # run NAME FLAGS...: train, then print NAME and the test accuracy
  local name=$1; shift
  "$bin" train "$data/seq2seq/addition.txt" --out "$out/$name" "${book[@]}" "$@"
  "$bin" plot "$out/$name" > /dev/null
  local acc
  acc=$("$bin" eval "$out/$name" "$work/test.txt" --json --threads "$threads" | sed 's/.*"accuracy":\([0-9.e-]*\).*/\1/')
  awk -v n="$name" -v a="$acc" 'BEGIN { printf "%-34s %6.2f%%\n", n, 100 * a }'
}
printf '%-34s %7s\n' "model" "test accuracy"
run plain --hidden-size 128 --lr 1e-3
run reversed --hidden-size 128 --lr 1e-3 --reverse-source
run reversed+peeky --hidden-size 128 --lr 1e-3 --reverse-source --decoder peeky
run ours --reverse-source --decoder peeky --hidden-size 256 --lr 2e-3 --lr-schedule cosine
cut -d_ -f1 "$work/test.txt" | "$bin" translate "$out/ours" --beam 5 > "$work/beam.txt"
cut -d_ -f2 "$work/test.txt" | sed 's/ *$//' > "$work/want.txt"
sed 's/ *$//' "$work/beam.txt" | paste -d'\t' - "$work/want.txt" | awk -F'\t' '$1==$2{c++} END{printf "%-34s %6.2f%%\n", "ours, beam 5", 100*c/NR}'
echo "$name: ${SECONDS}s"
