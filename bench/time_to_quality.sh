#!/usr/bin/env bash
# Time to a good model (issue #21): PyTorch trains an LSTM language model for SECONDS (default
# 300) in each of its recipes, its best held-out loss is the target, and rnngen - given only
# --val, --max-time and --threads (and the tokenizer), so the budget's defaults choose
# everything else - trains with growing budgets until its held-out loss reaches the target.
# Prints the wall time (whole process: start-up, tokenizing, validation, saving) of the first
# rnngen run that reached it, rnngen's loss after the same SECONDS, and draws both sides'
# held-out curves against wall time.
#
#   bench/time_to_quality.sh [SECONDS]        about 6 x SECONDS; needs ../shared/data
#   CORPUS=../shared/data/korean/koconovel/koconovel_50_novels.txt TOKENIZERS="char jamo" \
#     TORCH_VARIANTS="random:fp32:2e-3 random:fp32:4e-3" bench/time_to_quality.sh 300
#   CORPUS=ptb bench/time_to_quality.sh 300   PTB words (ptb.train / ptb.valid)
#
# Data: CORPUS (default ../shared/data/tinyshakespeare.txt), first 90% of the characters train,
# last 10% held out; loss = the contract's eval (zero state, one stream) in nats per character
# (rnngen's bits_per_char x ln 2, so that jamo, two or three tokens a syllable, compares with
# char). CORPUS=ptb: ptb.train.txt trains, ptb.valid.txt is held out, loss in nats per word
# (<eos> counted), printed with its perplexity.
# PyTorch side: bench/torch_char_lm.py (Debian python3-torch), the same model family rnngen
# trained before #21 (embedding 256, 2 x LSTM 256, batch 64, seq 100, Adam, clip 5; for ptb
# words batch 32 x seq 35), once per entry of TORCH_VARIANTS, BATCHING:PRECISION:LR (default:
# the sweep "stream:fp32:2e-3 stream:fp32:4e-3 random:fp32:2e-3 random:fp32:4e-3"): contiguous
# streams with the state carried, or windows at random offsets from a zero state; fp32, or
# PyTorch's own CPU autocast to bf16 (PRECISION bf16: left out of the default because in
# PyTorch 1.13 it leaves nn.LSTM in fp32 and was no faster, 16,011 against about 16,600
# tokens/s for LSTM 256 x 2 at 2 threads, docs/performance.md); Adam's rate. TORCH_ARGS adds
# flags to every PyTorch run. The target is the best of them.
# rnngen side: for each of TOKENIZERS (default char; ptb: word), RNNGEN_BUDGETS (default "30 45
# 60 90 120 180") in seconds, each a fresh run; the first that reaches the target ends the
# search; then one run of SECONDS.
# Environment: RNNGEN (binary, default build/rnngen), PYTHON (default /usr/bin/python3),
# THREADS (default 2), KEEP=DIR keeps the split, models, logs, JSON and the plot
# (time_to_quality.png; without KEEP it is written to the current directory).
# Meant for a quiet machine: both sides run one after the other, never at the same time.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
seconds=${1:-300}
bin=${RNNGEN:-$here/build/rnngen}
py=${PYTHON:-/usr/bin/python3}
threads=${THREADS:-2}
data=${CORPUS:-$here/../shared/data/tinyshakespeare.txt}
variants=${TORCH_VARIANTS:-stream:fp32:2e-3 stream:fp32:4e-3 random:fp32:2e-3 random:fp32:4e-3}
budgets=${RNNGEN_BUDGETS:-30 45 60 90 120 180}
if [[ $data == ptb ]]; then
  data=$here/../shared/data/ptb/ptb.train.txt
  unit=word tokenizers=word
  torch_args=(--unit word --batch-size 32 --seq-len 35 ${TORCH_ARGS:-})
  rnngen_args=(--word-style ptb)
else
  unit=char tokenizers=${TOKENIZERS:-${TOKENIZER:-char}}
  torch_args=(${TORCH_ARGS:-})
  rnngen_args=()
fi
[[ -f $data ]] || { echo "time_to_quality: $data not found (shared/data next to this checkout)" >&2; exit 2; }
[[ -x $bin ]] || { echo "time_to_quality: $bin not found: build first or set RNNGEN" >&2; exit 2; }
"$py" -c 'import torch' 2>/dev/null || { echo "time_to_quality: $py cannot import torch (Debian: python3-torch)" >&2; exit 2; }
if [[ -n ${KEEP:-} ]]; then work=$KEEP; mkdir -p "$work"; plot=$work/time_to_quality.png
else work=$(mktemp -d); trap 'rm -rf "$work"' EXIT; plot=$PWD/time_to_quality.png; fi
export OMP_WAIT_POLICY=PASSIVE
unset OPENBLAS_CORETYPE OPENBLAS_L2_SIZE  # OpenBLAS's kernels for this CPU, for both sides

echo "$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(nproc) cores; commit $(git -C "$here" rev-parse --short HEAD 2>/dev/null || echo unknown); $(basename "$data"), $seconds s, $threads threads"
if [[ $unit == word ]]; then
  cp "$data" "$work/train.txt"
  cp "$(dirname "$data")/ptb.valid.txt" "$work/heldout.txt"
  per="nats/word"
else
  "$py" - "$data" "$work" <<'PY'
import sys
text = open(sys.argv[1], encoding="utf-8").read()
cut = int(len(text) * 0.9)
open(sys.argv[2] + "/train.txt", "w", encoding="utf-8").write(text[:cut])
open(sys.argv[2] + "/heldout.txt", "w", encoding="utf-8").write(text[cut:])
PY
  per="nats/char"
fi

torch_run() {  # NAME SECONDS LR BATCHING AUTOCAST
  "$py" "$here/bench/torch_char_lm.py" --train "$work/train.txt" --val "$work/heldout.txt" --json "$work/$1.json" \
    --max-time "$2" --lr "$3" --batching "$4" --autocast "$5" --threads "$threads" "${torch_args[@]}" 2> "$work/$1.log" ||
    { cat "$work/$1.log" >&2; exit 1; }
  "$py" -c 'import json,sys; j=json.load(open(sys.argv[1])); print("  pytorch %-24s %6d steps %8.0f tok/s  held-out %.4f" % (sys.argv[2], j["steps"], j["tokens_per_s"], j["eval_nll"]))' "$work/$1.json" "$1"
}

echo "PyTorch, $seconds s each:"
torch_names=()
for v in $variants; do
  IFS=: read -r batching precision lr <<< "$v"
  name="torch_${batching}_${precision}_$lr"
  torch_run "$name" "$seconds" "$lr" "$batching" "$precision"
  torch_names+=("$name")
done
target=$("$py" -c 'import json,sys; print(min(json.load(open(f"{sys.argv[1]}/{n}.json"))["eval_nll"] for n in sys.argv[2:]))' "$work" "${torch_names[@]}")
echo "target: PyTorch's best held-out loss after $seconds s = $target $per"

# NAME BUDGET TOKENIZER -> prints "WALL LOSS SCALE": LOSS in nats per char (per word for ptb),
# SCALE = LOSS / rnngen's nats per token on the held-out text (turns its curve into the unit).
rnngen_run() {
  local start end
  rm -rf "$work/$1"
  start=$(date +%s.%N)
  "$bin" train "$work/train.txt" --val "$work/heldout.txt" --out "$work/$1" --max-time "$2" --threads "$threads" \
    --tokenizer "$3" "${rnngen_args[@]}" 2> "$work/$1.log" || { cat "$work/$1.log" >&2; exit 1; }
  end=$(date +%s.%N)
  "$bin" eval "$work/$1" "$work/heldout.txt" --json --threads "$threads" > "$work/$1.eval.json"
  "$py" -c 'import json,math,sys; j=json.load(open(sys.argv[3])); loss=j["nll"] if sys.argv[4]=="word" else j["bits_per_char"]*math.log(2); print(f"{float(sys.argv[2]) - float(sys.argv[1]):.1f}", loss, loss / j["nll"])' \
    "$start" "$end" "$work/$1.eval.json" "$unit"
}

fulls=()
for tok in $tokenizers; do
  echo "rnngen --tokenizer $tok, growing --max-time until the target:"
  reached=""
  for b in $budgets; do
    read -r wall loss scale < <(rnngen_run "rnngen_${tok}_$b" "$b" "$tok")
    printf "  rnngen --max-time %-4s wall %6.1f s  held-out %.4f %s\n" "$b" "$wall" "$loss" "$per"
    if "$py" -c 'import sys; sys.exit(0 if float(sys.argv[1]) <= float(sys.argv[2]) else 1)' "$loss" "$target"; then
      reached="$wall"; break
    fi
  done
  read -r wallf lossf scalef < <(rnngen_run "rnngen_${tok}_full" "$seconds" "$tok")
  printf "  rnngen --max-time %-4s wall %6.1f s  held-out %.4f %s\n" "$seconds" "$wallf" "$lossf" "$per"
  head -1 "$work/rnngen_${tok}_full.log" | tr '\r' '\n' | head -2
  "$py" - "$seconds" "$target" "${reached:-none}" "$lossf" "$tok" "$per" <<'PY'
import math, sys
seconds, target, reached, loss, tok, per = sys.argv[1:7]
seconds, target, loss = float(seconds), float(target), float(loss)
bits = "" if per == "nats/word" else f", {target / math.log(2):.4f} -> {loss / math.log(2):.4f} bits/char"
ppl = f" (perplexity {math.exp(target):.1f} -> {math.exp(loss):.1f})" if per == "nats/word" else ""
print(f"rnngen --tokenizer {tok} reached PyTorch's best {seconds:.0f}-s loss ({target:.4f} {per}) "
      + (f"in {float(reached):.1f} s of wall time: {seconds / float(reached):.1f}x sooner" if reached != "none"
         else "in none of the budgets tried"))
print(f"after {seconds:.0f} s: rnngen {loss:.4f}, PyTorch {target:.4f}: {target - loss:+.4f} {per} lower{bits}{ppl}")
PY
  fulls+=("$tok:$scalef")
done

"$py" - "$work" "$plot" "$target" "$per" "${fulls[*]}" "${torch_names[@]}" <<'PY'
import json, subprocess, sys
work, plot, target, per, fulls = sys.argv[1:6]
names = sys.argv[6:]
target = float(target)
# The curves: in-training validation (the trainer's streams, or its sample) against wall time;
# rnngen's per-token figures scaled by its final eval's tokens per char (jamo).
series = []
for n in names:
    j = json.load(open(f"{work}/{n}.json"))
    series.append((n.replace("torch_", "PyTorch ").replace("_", " "), [(p["elapsed_s"], p["val_nll"]) for p in j["curve"]]))
for entry in fulls.split():
    tok, scale = entry.split(":")
    log = [json.loads(l) for l in open(f"{work}/rnngen_{tok}_full/train_log.jsonl")]
    series.append((f"rnngen {tok}", [(p["elapsed_s"], p["val_nll"] * float(scale)) for p in log if p["val_nll"] is not None]))
dat = f"{work}/curves.dat"
with open(dat, "w") as f:
    for name, pts in series:
        f.write(f'"{name}"\n')
        for t, v in pts:
            f.write(f"{t} {v}\n")
        f.write("\n\n")
plots = ", ".join(f'"{dat}" index {i} with linespoints title columnheader(1)' for i in range(len(series)))
script = (f'set terminal pngcairo size 900,560 noenhanced; set output "{plot}"; set xlabel "wall time, s"; '
          f'set ylabel "held-out loss during training, {per}"; set yrange [{0.9 * target}:{1.45 * target}]; set grid; '
          f'set title "time to quality: rnngen vs PyTorch, same run"; '
          f'set arrow from graph 0, first {target} to graph 1, first {target} nohead dt 2; plot {plots}')
subprocess.run(["gnuplot", "-e", script], check=True)
print(f"curves: {plot}")
PY
