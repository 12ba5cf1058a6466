#!/usr/bin/env bash
# Zaremba, Sutskever & Vinyals 2014, "Recurrent Neural Network Regularization", the "small"
# non-regularised PTB model, trained by rnngen and by PyTorch's word_language_model recipe
# (bench/torch_word_lm.py) in the same run, one after the other, each with 2 threads (THREADS); prints
# the wall time and the test perplexity of each. Paper: 114.5 test perplexity (small).
# Target for rnngen: test perplexity <= 115 in at most half of PyTorch's wall time.
#
#   2 x LSTM 200, embedding 200, no dropout       --num-layers 2 --hidden-size 200 --embed-size 200
#   every parameter uniform in [-0.1, 0.1]        --init uniform:0.1
#   SGD, lr 1 on the loss summed over 20 steps    --optimizer sgd --lr 20 (our loss is the mean
#     (mean over the batch), clip norm 5             over tokens, 20x smaller), --clip 0.25 (= 5/20)
#   batch 20, unrolled 20 steps, state carried    --batch-size 20 --seq-len 20 (stream mode)
#   13 epochs, lr x 0.5 each epoch after the 4th  --epochs 13 --lr-schedule step --lr-decay 0.5
#                                                   --lr-decay-after 4
#
#   bench/zaremba_small.sh                    the full benchmark (two trainings of 13 epochs
#                                             over 929,589 tokens). 2026-12-02, Zen 5, 2 cores:
#                                             rnngen 1,282.5 s, test ppl 112.15; PyTorch 1.13
#                                             2,687.9 s, 112.75 (docs/word_models.md)
#   EPOCHS=1 TRAIN_LINES=2000 EVAL_LINES=200 bench/zaremba_small.sh    a smoke test
#   SIDES=rnngen RESUME=1 bench/zaremba_small.sh    rnngen only, continuing $OUT/rnngen from its
#                                             last checkpoint (a run longer than one sitting, or
#                                             one given more --epochs); its train time is then the
#                                             sum over the runs (train_log.jsonl's elapsed_s)
# Environment: KEEP_OPENBLAS_ENV=1 (see below), RNNGEN (default build/rnngen), DATA (default ../shared/data), PYTHON (default
# /usr/bin/python3, which has PyTorch), EPOCHS, TRAIN_LINES / EVAL_LINES (0 = whole files),
# SIDES (default "rnngen pytorch"), RESUME=1 (rnngen continues $OUT/rnngen when it holds a checkpoint),
# PRECISION (rnngen's --precision, default fp32; bf16 on CPUs with AVX512-BF16; PyTorch stays fp32).
# THREADS (both sides, default 2; 1 lets two long runs share a 2-core machine).
set -euo pipefail
cd "$(dirname "$0")/.."
rnngen=${RNNGEN:-build/rnngen}
python=${PYTHON:-/usr/bin/python3}
ptb=${DATA:-../shared/data}/ptb
epochs=${EPOCHS:-13}
train_lines=${TRAIN_LINES:-0}
eval_lines=${EVAL_LINES:-0}
layers=${LAYERS:-2} hidden=${HIDDEN:-200} dropout=${DROPOUT:-0} init=${INIT:-0.1}
decay=${DECAY:-0.5} decay_after=${DECAY_AFTER:-4} clip=${CLIP:-0.25} bptt=${BPTT:-20}
out=${OUT:-out/zaremba_small}
sides=${SIDES:-rnngen pytorch}
resume=${RESUME:-0}
precision=${PRECISION:-fp32}
threads=${THREADS:-2}
export OMP_WAIT_POLICY=PASSIVE  # idle threads sleep instead of spinning (both sides)
# Both sides use the OpenBLAS kernels OpenBLAS picks for this CPU (AVX-512 where it has it), as
# bench/vs_pytorch.py does, unless KEEP_OPENBLAS_ENV=1 keeps what the machine set.
if [[ ${KEEP_OPENBLAS_ENV:-0} != 1 ]]; then unset OPENBLAS_CORETYPE OPENBLAS_L2_SIZE; fi
echo "OpenBLAS: OPENBLAS_CORETYPE=${OPENBLAS_CORETYPE:-unset} OPENBLAS_L2_SIZE=${OPENBLAS_L2_SIZE:-unset}; $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(nproc) cores; commit $(git rev-parse --short HEAD 2>/dev/null || echo unknown); $(date -u '+%Y-%m-%d %H:%M UTC')"
mkdir -p "$out"

# a - b for the clock readings (awk: bc may be missing on a fresh Debian, and scripts/setup does not install it).
sub() { awk -v a="$1" -v b="$2" 'BEGIN { print a - b }'; }

# The same (possibly sliced) files for both sides.
slice() { if (($2 > 0)); then head -n "$2" "$1"; else cat "$1"; fi; }
slice "$ptb/ptb.train.txt" "$train_lines" > "$out/train.txt"
slice "$ptb/ptb.valid.txt" "$eval_lines" > "$out/valid.txt"
slice "$ptb/ptb.test.txt" "$eval_lines" > "$out/test.txt"

rn_train=- rn_eval=0 rn_ppl=nan
if [[ " $sides " == *" rnngen "* ]]; then
  echo "== rnngen ($epochs epochs, $(wc -l < "$out/train.txt") training lines, --precision $precision)"
  resume_flag=()
  if [[ $resume == 1 && -f "$out/rnngen/checkpoint/state.safetensors" ]]; then
    resume_flag=(--resume)
    echo "   resuming $out/rnngen at its checkpoint"
  else
    rm -rf "$out/rnngen"
  fi
  t0=$(date +%s.%N)
  # --oov-token <unk>: on a slice, valid/test words unseen in training read as <unk> (the
  # whole PTB training text has every word, so there it changes nothing); PyTorch side the same.
  "$rnngen" train "$out/train.txt" --val "$out/valid.txt" --out "$out/rnngen" "${resume_flag[@]}" \
    --tokenizer word --word-style ptb --oov-token '<unk>' \
    --cell lstm --embed-size "$hidden" --hidden-size "$hidden" --num-layers "$layers" \
    --dropout "$dropout" --embed-dropout "$dropout" --init "uniform:$init" \
    --optimizer sgd --lr 20 --clip "$clip" --batch-size 20 --seq-len "$bptt" --epochs "$epochs" \
    --lr-schedule step --lr-decay "$decay" --lr-decay-after "$decay_after" \
    --seed 1 --threads "$threads" --precision "$precision" -q
  t1=$(date +%s.%N)
  "$rnngen" eval "$out/rnngen" "$out/test.txt" --json --threads "$threads" > "$out/rnngen_test.json"
  t2=$(date +%s.%N)
  rn_train=$(sub "$t1" "$t0") rn_eval=$(sub "$t2" "$t1")
  if ((${#resume_flag[@]})); then  # every run's training time, from the log the runs share
    rn_train=$(tail -n 1 "$out/rnngen/train_log.jsonl" | grep -o '"elapsed_s":[0-9.e+]*' | cut -d: -f2)
  fi
  rn_ppl=$(grep -o '"perplexity":[0-9.e+]*' "$out/rnngen_test.json" | cut -d: -f2)
fi

pt_wall=- pt_ppl=nan
if [[ " $sides " == *" pytorch "* ]]; then
  echo "== pytorch"
  t0=$(date +%s.%N)
  "$python" bench/torch_word_lm.py --train "$out/train.txt" --valid "$out/valid.txt" --test "$out/test.txt" \
    --emsize "$hidden" --nhid "$hidden" --nlayers "$layers" --dropout "$dropout" --init "$init" \
    --lr 20 --decay "$decay" --decay-after "$decay_after" --clip "$clip" --epochs "$epochs" \
    --batch-size 20 --bptt "$bptt" --threads "$threads" | tee "$out/pytorch.jsonl"
  t1=$(date +%s.%N)
  pt_wall=$(sub "$t1" "$t0")
  pt_ppl=$(tail -n 1 "$out/pytorch.jsonl" | grep -o '"test_perplexity": [0-9.e+]*' | cut -d' ' -f2)
fi

printf '%-8s %12s %12s %16s\n' side "train wall s" "total wall s" "test perplexity"
if [[ $rn_train != - ]]; then
  printf '%-8s %12.1f %12.1f %16.2f\n' rnngen "$rn_train" "$(awk -v a="$rn_train" -v b="$rn_eval" 'BEGIN { print a + b }')" "$rn_ppl"
fi
if [[ $pt_wall != - ]]; then
  printf '%-8s %12s %12.1f %16.2f\n' pytorch "-" "$pt_wall" "$pt_ppl"
  echo "(pytorch's total includes its own test evaluation; see $out/pytorch.jsonl for its train_s)"
fi
