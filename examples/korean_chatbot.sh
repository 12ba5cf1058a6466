#!/usr/bin/env bash
# A Korean chatbot (seed 004 points on from seq2seq to chatbots): songys/Chatbot_data
# (korean/ChatbotData.csv: Q,A,label, 11,823 pairs, quoted fields, CRLF, no final newline),
# Hangul as jamo tokens, attention over a bidirectional encoder, answers by beam search.
# The last 5% of the pairs are held out (validation loss and accuracy); the questions asked at
# the end are our own, none of them in ChatbotData.csv.
#
#   examples/korean_chatbot.sh                   # RNNGEN_BUDGET seconds of training (default 600)
source "$(dirname "$0")/common.sh"
need_data korean/ChatbotData.csv
budget=${RNNGEN_BUDGET:-600}
"$bin" train "$data/korean/ChatbotData.csv" --out "$out" --task seq2seq --source-column Q --target-column A \
  --tokenizer jamo --decoder attention --bidirectional-encoder --embed-size 64 --hidden-size 128 \
  --batch-size 64 --optimizer adam --lr 2e-3 --clip 5 --dropout 0.2 --epochs 200 --max-time "$budget" \
  --val-fraction 0.05 --threads "$threads" --force -q
"$bin" plot "$out" > /dev/null
echo "questions not in the training data, beam 5:"
questions=("오늘 하루 너무 길었어" "헤어진 지 한 달 됐어" "좋아하는 사람한테 고백할까?" "주말에 뭐 하지?" "시험 망쳤어")
for q in "${questions[@]}"; do
  printf '  Q: %s\n  A: %s\n' "$q" "$("$bin" translate "$out" --input "$q" --beam 5)"
done
echo "$name: ${SECONDS}s"
