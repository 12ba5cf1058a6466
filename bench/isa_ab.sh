#!/bin/bash
# A/B of rnngen's AVX-512 paths in one binary: each run once as built (AVX-512 where the CPU has
# it) and once with RNNGEN_MAX_ISA=avx2 (the AVX2 paths: OpenBLAS for the per-step products,
# the AVX2 GEMVs), alternating, ROUNDS times. Prints one line per run: tokens/s for training,
# ms/token and the read-bandwidth floor for batch-1 generation.
#   bench/isa_ab.sh [train|generate]      (RNNGEN=build/rnngen THREADS="1 2" ROUNDS=2)
set -eu
mode=${1:-train}
RN=${RNNGEN:-build/rnngen}
unset OPENBLAS_CORETYPE OPENBLAS_L2_SIZE  # OpenBLAS's own AVX-512 kernels on both sides
export OMP_WAIT_POLICY=PASSIVE
# cell embed hidden layers batch seq steps (the char configs of bench/vs_pytorch.py, PTB medium)
train_cfgs=("lstm 64 256 2 64 100 3" "lstm 64 512 2 32 100 2" "lstm 64 1024 1 32 50 2"
  "gru 64 512 2 32 100 2" "rnn 64 512 2 32 100 4" "lstm 650 650 2 20 35 2")
run() {  # run ISA ARGS...: one rnngen bench --json, with or without the cap
  if [ "$1" = avx2 ]; then shift; RNNGEN_MAX_ISA=avx2 "$RN" bench --json "$@"; else shift; "$RN" bench --json "$@"; fi
}
for th in ${THREADS:-1 2}; do
  if [ "$mode" = train ]; then
    for cfg in "${train_cfgs[@]}"; do
      set -- $cfg
      V=65 p=0.0 carry=""
      [ "$2" = 650 ] && V=10000 p=0.5 carry=--carry
      for round in $(seq "${ROUNDS:-2}"); do
        for isa in avx2 wide; do
          tps=$(run $isa --mode train --cell "$1" --vocab $V --embed-size "$2" --hidden-size "$3" --num-layers "$4" \
            --batch-size "$5" --seq-len "$6" --dropout $p --threads "$th" --steps "$7" --repeats 3 --warmup 1 $carry |
            python3 -c 'import json,sys; print(round(json.load(sys.stdin)["train_tokens_per_s"]["median"]))')
          echo "train $cfg threads $th round $round $isa: $tps tokens/s"
        done
      done
    done
  else
    for w in fp32 bf16 int8; do
      for round in $(seq "${ROUNDS:-3}"); do
        for isa in avx2 wide; do
          out=$(run $isa --mode generate --cell lstm --vocab 65 --embed-size 512 --hidden-size 512 --num-layers 2 \
            --threads "$th" --repeats 5 --gen-batch 1 --gen-tokens 3000 --weights $w |
            python3 -c 'import json,sys; d=json.load(sys.stdin); ms=1000/d["gen1_tokens_per_s"]; f=d["floor_ms_per_token"]; print("%.4f ms/token, floor %.4f ms, x floor %.3f" % (ms, f, ms/f))')
          echo "generate $w batch 1 threads $th round $round $isa: $out"
        done
      done
    done
  fi
done
