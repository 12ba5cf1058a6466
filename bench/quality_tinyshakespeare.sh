#!/usr/bin/env bash
# The acceptance benchmark for char-level training quality:
#   on tinyshakespeare.txt (first 90% of the characters train, last 10% held out), with the
#   model a tuned PyTorch run used (embedding 256, 2 x LSTM 256, batch 64, seq 100, Adam 2e-3,
#   clip 5) and --max-time 300 --threads 2, rnngen's held-out loss (the contract's eval: zero
#   state, one stream) is at least 0.05 nats/char lower than PyTorch's with the same model and
#   the same 300 s of training in the same run.
#
#   bench/quality_tinyshakespeare.sh [SECONDS [EVAL_EVERY]]     default 300 s, a curve point
#                                                               every 100 steps
# Runs rnngen, then PyTorch (bench/torch_char_lm.py under /usr/bin/python3), one after the
# other, never at the same time; prints both held-out-loss curves (stream validation during
# training, as rnngen's trainer does it) and the final contract-eval figures and difference.
# Meant for a quiet machine: anything else running skews the comparison.
# Environment: RNNGEN (binary, default build/rnngen), PYTHON (default /usr/bin/python3),
# KEEP_OPENBLAS_ENV=1 (keep OPENBLAS_CORETYPE / OPENBLAS_L2_SIZE for both sides), KEEP=DIR to keep the split, the model, the logs and both results there.
#
# Run at the acceptance setting on 2026-12-02 (commit ddfde05, 2-core AMD EPYC Zen 5, AVX-512
# OpenBLAS kernels, nothing else running): rnngen 1,672 steps, held-out 1.5137 nats/char;
# PyTorch 1.13 721 steps, 1.5720; pytorch - rnngen = +0.0583: PASS. docs/quality.md has the
# curves. An earlier SHORT check (60 s, Zen 3 without AVX-512, load average ~3.4) ran both at
# 9,300 tokens/s and had PyTorch 0.043 ahead (it spent less time validating).
set -euo pipefail
cd "$(dirname "$0")/.."
budget=${1:-300}
eval_every=${2:-100}
bin=${RNNGEN:-build/rnngen}
py=${PYTHON:-/usr/bin/python3}
data=../shared/data/tinyshakespeare.txt
threads=2
[[ -f $data ]] || { echo "quality_tinyshakespeare: $data not found (shared/data next to this checkout)" >&2; exit 2; }
[[ -x $bin ]] || { echo "quality_tinyshakespeare: $bin not found: build first or set RNNGEN" >&2; exit 2; }
"$py" -c 'import torch' 2>/dev/null || { echo "quality_tinyshakespeare: $py cannot import torch (Debian: python3-torch)" >&2; exit 2; }

if [[ -n ${KEEP:-} ]]; then work=$KEEP; mkdir -p "$work"; else work=$(mktemp -d); trap 'rm -rf "$work"' EXIT; fi
# Both sides: idle OpenMP threads sleep rather than spin (2 threads on shared cores).
export OMP_WAIT_POLICY=PASSIVE
# Both sides use the same OpenBLAS kernels: the ones OpenBLAS picks for this CPU (AVX-512 where
# it has it), as bench/vs_pytorch.py does, unless KEEP_OPENBLAS_ENV=1 keeps what the machine set.
if [[ ${KEEP_OPENBLAS_ENV:-0} != 1 ]]; then unset OPENBLAS_CORETYPE OPENBLAS_L2_SIZE; fi
echo "OpenBLAS: OPENBLAS_CORETYPE=${OPENBLAS_CORETYPE:-unset} OPENBLAS_L2_SIZE=${OPENBLAS_L2_SIZE:-unset}; $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(nproc) cores; commit $(git rev-parse --short HEAD 2>/dev/null || echo unknown)"

# First 90% of the characters (code points) for training, the rest held out.
"$py" - "$data" "$work" <<'PY'
import sys
text = open(sys.argv[1], encoding="utf-8").read()
cut = int(len(text) * 0.9)
open(sys.argv[2] + "/train.txt", "w", encoding="utf-8").write(text[:cut])
open(sys.argv[2] + "/heldout.txt", "w", encoding="utf-8").write(text[cut:])
print(f"split: {cut} training chars, {len(text) - cut} held out", file=sys.stderr)
PY

model=(--embed-size 256 --hidden-size 256 --num-layers 2 --cell lstm --batch-size 64 --seq-len 100
       --optimizer adam --lr 2e-3 --clip 5)
echo "== rnngen: ${budget} s, ${threads} threads"
rm -rf "$work/rnngen_model"
"$bin" train "$work/train.txt" --val "$work/heldout.txt" --out "$work/rnngen_model" "${model[@]}" \
  --epochs 1000 --max-time "$budget" --threads "$threads" --eval-every "$eval_every" --seed 1 \
  2> "$work/rnngen_train.log" || { cat "$work/rnngen_train.log" >&2; exit 1; }
grep -E "Stopped by" "$work/rnngen_train.log" | tr -d '\r' || true
"$bin" eval "$work/rnngen_model" "$work/heldout.txt" --json --threads "$threads" > "$work/rnngen_eval.json"

echo "== pytorch: ${budget} s, ${threads} threads"
"$py" bench/torch_char_lm.py --train "$work/train.txt" --val "$work/heldout.txt" --json "$work/torch.json" \
  --max-time "$budget" --threads "$threads" --eval-every "$eval_every" --seed 1 \
  --embed-size 256 --hidden-size 256 --num-layers 2 --batch-size 64 --seq-len 100 --lr 2e-3 --clip 5 \
  2> "$work/torch_train.log" || { cat "$work/torch_train.log" >&2; exit 1; }

"$py" - "$work" "$budget" <<'PY'
import json, sys
work, budget = sys.argv[1], float(sys.argv[2])
log = [json.loads(l) for l in open(work + "/rnngen_model/train_log.jsonl") if l.strip()]
torch_res = json.load(open(work + "/torch.json"))
ours = json.load(open(work + "/rnngen_eval.json"))
print("\nheld-out loss during training (nats/char; stream validation as rnngen's trainer does it)")
print(f"{'':>8} {'rnngen':>30} | {'pytorch':>30}")
print(f"{'':>8} {'time':>7} {'step':>6} {'tokens':>8} {'val':>7} | {'time':>7} {'step':>6} {'tokens':>8} {'val':>7}")
rows = max(len(log), len(torch_res["curve"]))
for i in range(rows):
    a = log[i] if i < len(log) else None
    b = torch_res["curve"][i] if i < len(torch_res["curve"]) else None
    left = (f"{a['elapsed_s']:7.0f} {a['step']:6d} {a['tokens']:8d} {a['val_nll']:7.4f}" if a else " " * 31)
    right = (f"{b['elapsed_s']:7.0f} {b['step']:6d} {b['tokens']:8d} {b['val_nll']:7.4f}" if b else "")
    print(f"{'':>8} {left} | {right}")
print(f"\ntrained in {budget:.0f} s: rnngen {log[-1]['step']} steps, {log[-1]['tokens']} tokens "
      f"({log[-1]['tokens_per_s']:.0f} tokens/s in training steps); pytorch {torch_res['steps']} steps, "
      f"{torch_res['tokens']} tokens ({torch_res['tokens_per_s']:.0f} tokens/s in training steps)")
diff = torch_res["eval_nll"] - ours["nll"]
print(f"held-out nll, contract eval (zero state, one stream, best model of each run):")
print(f"  rnngen  {ours['nll']:.4f} nats/char ({ours['bits_per_token']:.4f} bits/char)")
print(f"  pytorch {torch_res['eval_nll']:.4f} nats/char")
print(f"  pytorch - rnngen = {diff:+.4f} nats/char; acceptance (>= 0.05 at 300 s): "
      + ("PASS" if diff >= 0.05 else "FAIL") + ("" if budget == 300 else f" [budget {budget:.0f} s, not the acceptance setting]"))
PY
