#!/usr/bin/env bash
# Seed 003, "LSTM을 이용하여 텍스트 생성하기": a word-level LSTM on the New York Times headlines
# of April 2018, then greedy generation of 10 words after "i" and after "how".
#
# The seed's recipe, step by step, and ours:
#   df['headline'], rows equal to "Unknown" dropped   rnngen-csv-column FILE headline --drop Unknown
#   .encode("utf8").decode("ascii", "ignore")         tr -d '\200-\377' (every non-ASCII byte)
#   drop string.punctuation, then .lower()            tr -d '[:punct:]' | tr A-Z a-z (C locale)
#   Tokenizer() (defaults), vocab_size = 3494         --tokenizer word --word-style keras
#   every prefix of a headline is a sample, padded    --sequences lines: each headline from a zero
#     ('pre') and the last word is the label              state, every next word a target
#   Embedding(vocab, 10), LSTM(128), Dense softmax    --embed-size 10 --hidden-size 128 --num-layers 1
#   Adam (lr 1e-3), 200 epochs, batch 32 samples      --optimizer adam --lr 1e-3 --epochs 200;
#                                                       --batch-size 5 headlines gives 243 updates an
#                                                       epoch, as the seed's 244 batches of 32 prefixes
#   Keras initialisers                                --init keras, no gradient clipping
# Not the same: Keras runs the padding zeros through the LSTM before each sample, and averages
# the loss per prefix; we start each headline from a zero state and average per predicted word.
#
#   examples/nyt_headlines.sh [EPOCHS]        (default 200; outputs under out/nyt/)
# Environment: RNNGEN (default build/rnngen), DATA (default ../shared/data), THREADS (default 1: faster than 2 for this small network on a busy machine).
set -euo pipefail
cd "$(dirname "$0")/.."
rnngen=${RNNGEN:-build/rnngen}
csv_column=${CSV_COLUMN:-build/rnngen-csv-column}
data=${DATA:-../shared/data}
epochs=${1:-200}
out=out/nyt
mkdir -p "$out"

"$csv_column" "$data/nyt/ArticlesApril2018.csv" headline --drop Unknown \
  | LC_ALL=C tr -d '\200-\377' | LC_ALL=C tr -d '[:punct:]' | LC_ALL=C tr '[:upper:]' '[:lower:]' \
  > "$out/headlines.txt"
echo "headlines: $(wc -l < "$out/headlines.txt") (seed: 1214)"

rm -rf "$out/model"
/usr/bin/time -f "train wall time: %e s" \
  "$rnngen" train "$out/headlines.txt" --out "$out/model" \
  --tokenizer word --word-style keras --sequences lines \
  --cell lstm --embed-size 10 --hidden-size 128 --num-layers 1 --init keras \
  --optimizer adam --lr 1e-3 --clip 0 --batch-size 5 --epochs "$epochs" \
  --val-fraction 0 --seed 1 --threads "${THREADS:-1}" -q
echo "vocab_size: $(grep -o '"vocab_size": [0-9]*' "$out/model/config.json") (seed: 3494)"
# The loss the seed prints each epoch is the mean over predicted words, as train_nll is.
echo "train loss, epochs 1, 2, 12, last: $(sed -n '1p;2p;12p;$p' "$out/model/train_log.jsonl" \
  | grep -o '"train_nll":[0-9.]*' | cut -d: -f2 | tr '\n' ' ')"
echo "(seed: 7.6358 7.1188 5.4576 at epochs 1, 2, 12; its epoch 200 is not in the notes)"
for prime in i how; do
  "$rnngen" sample "$out/model" --prime "$prime" --greedy --length 10
done
echo "(seed: \"i cant jump ship from facebook yet police that cant student\","
echo "       \"how to make a crossword puzzle a lawman try just play\")"
