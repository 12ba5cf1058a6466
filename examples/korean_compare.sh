#!/usr/bin/env bash
# Char vs jamo vs subword on Korean prose (KoCoNovel, 50 novels): the same network and the same
# wall-clock budget for each, scored on the same held-out text in bits per character of that
# text. docs/korean.md has the figures this script printed and what they mean.
#
#   examples/korean_compare.sh [SECONDS_EACH] [CORPUS]
#     SECONDS_EACH  training time per model (default 270); the three run one after another
#     CORPUS        default ../shared/data/korean/koconovel/koconovel_50_novels.txt (the whole
#                   corpus; pass a smaller file for a quick trial)
# Environment: RNNGEN (default build/rnngen), THREADS (default 1), SUBWORD_VOCAB (default 4000),
# HIDDEN (default 256), LAYERS (default 1), EMBED (default 64).
#
# Held-out text: the last 10% of the corpus's bytes (moved forward to a character boundary),
# exactly the part `--val-fraction 0.1` keeps out of training; it is written to
# out/korean/heldout.txt and scored by `rnngen eval --json`. Char and jamo alphabets include
# the symbols of that part (see the trainer); subword pieces are learned from training text
# only, with byte fallback for anything else. The held-out text is also the validation text
# (the model saved is the one that scored best on it at an epoch end or at the stop); with
# one to three evaluations per run this choice is small, and the same for all three.
set -euo pipefail
cd "$(dirname "$0")/.."
rnngen=${RNNGEN:-build/rnngen}
secs=${1:-270}
corpus=${2:-../shared/data/korean/koconovel/koconovel_50_novels.txt}
out=out/korean
mkdir -p "$out"

# The trainer's split: cut = size - floor(size * 0.1), then forward to a UTF-8 lead byte. The
# corpus is NFC already (what the trainer reads after normalising), so bytes agree.
size=$(stat -c %s "$corpus")
cut=$((size - size / 10))
while (( $(tail -c +$((cut + 1)) "$corpus" | head -c 1 | od -An -tu1) >= 128 &&
         $(tail -c +$((cut + 1)) "$corpus" | head -c 1 | od -An -tu1) < 192 )); do cut=$((cut + 1)); done
tail -c +$((cut + 1)) "$corpus" > "$out/heldout.txt"
echo "held out: bytes $cut..$size ($(wc -c < "$out/heldout.txt") bytes)"

common=(--cell lstm --embed-size "${EMBED:-64}" --hidden-size "${HIDDEN:-256}" --num-layers "${LAYERS:-1}"
        --seq-len 100 --batch-size 32 --optimizer adam --lr 2e-3 --clip 5 --epochs 1000
        --max-time "$secs" --val-fraction 0.1 --seed 1 --threads "${THREADS:-1}" -q)
for kind in char jamo subword; do
  extra=()
  [[ $kind == subword ]] && extra=(--vocab-size "${SUBWORD_VOCAB:-4000}" --subword-model unigram)
  rm -rf "$out/$kind"
  echo "== $kind"
  "$rnngen" train "$corpus" --out "$out/$kind" --tokenizer "$kind" "${extra[@]}" "${common[@]}"
  tail -n 1 "$out/$kind/train_log.jsonl"
  "$rnngen" eval "$out/$kind" "$out/heldout.txt" --json --threads "${THREADS:-1}" | tee "$out/$kind.eval.json"
done

printf '%-8s %6s %10s %12s %10s\n' model vocab tokens bits/token bits/char
for kind in char jamo subword; do
  j=$out/$kind.eval.json
  v=$(grep -o '"vocab_size": [0-9]*' "$out/$kind/config.json" | grep -o '[0-9]*$')
  printf '%-8s %6s %10s %12.4f %10.4f\n' "$kind" "$v" "$(grep -o '"tokens":[0-9]*' "$j" | cut -d: -f2)" \
    "$(grep -o '"bits_per_token":[0-9.]*' "$j" | cut -d: -f2)" "$(grep -o '"bits_per_char":[0-9.]*' "$j" | cut -d: -f2)"
done
for kind in char jamo subword; do
  echo "-- $kind sample:"; "$rnngen" sample "$out/$kind" --length 120 --temperature 0.7 --seed 1; done
