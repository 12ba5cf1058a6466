#!/usr/bin/env bash
# The MPI acceptance test of docs/distributed.md (issue #22), run by CTest when rnngen is built
# with MPI:  mpi_train_test.sh RNNGEN MPIRUN DATA
#  1. 2 processes with global batch B reach the parameters of 1 process with batch B after 20
#     steps, within 1e-5 relative (LSTM and GRU, dropout and clipping on; stream and lines mode),
#     while a different seed does not (the comparison can fail).
#  2. --batch-size not divisible by the process count: one line naming --batch-size, non-zero.
#  3. One rank killed (kill -9): the job ends non-zero by itself, and --resume with 2 processes
#     continues from the last checkpoint to the very bytes of a run that was never killed;
#     --resume with 1 process says how many it needs.
#  4. One rank stopped (SIGSTOP, a hung peer): the other gives up after --mpi-timeout.
set -uo pipefail
rnngen=$1 mpirun=$2 data=$3
here=$(cd "$(dirname "$0")" && pwd)
compare=(/usr/bin/python3 "$here/compare_params.py")
mpi=("$mpirun" --allow-run-as-root --oversubscribe -np 2)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
failures=0
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }

# --clip 0.05 is below every step's gradient norm here, so clipping acts on every step.
# (CLI11 refuses a flag given twice, so each run's list names each flag once.)
# --precision fp32: the comparison is of the arithmetic, the same on every CPU (auto would be bf16
# where the CPU has it, whose rounding of the GEMM inputs parted 1 and 2 processes by up to 3.7e-5 relative after 20 steps).
net=("$data" --precision fp32 --hidden-size 32 --embed-size 16 --num-layers 2 --seq-len 16)
common=("${net[@]}" --batch-size 4 --max-steps 20 --dropout 0.3 --clip 0.05 --optimizer sgd --lr 1 --threads 1 --val-fraction 0.1 -q)

echo "== 1. two processes = one process"
for cell in lstm gru; do
  for mode in stream lines; do
    args=("${common[@]}" --cell "$cell" --sequences "$mode" --seed 3)
    "$rnngen" train "${args[@]}" --out "$tmp/one-$cell-$mode" || fail "1 process $cell $mode"
    # 10 KiB buckets: the 18k gradients go in 8 allreduces, most started during backward.
    "${mpi[@]}" "$rnngen" train "${args[@]}" --bucket-mb 0.01 --out "$tmp/two-$cell-$mode" || fail "2 processes $cell $mode"
    echo "-- $cell $mode"
    "${compare[@]}" "$tmp/one-$cell-$mode/model.safetensors" "$tmp/two-$cell-$mode/model.safetensors" --rtol 1e-5 |
      tail -1
    [[ ${PIPESTATUS[0]} == 0 ]] || fail "$cell $mode: 2 processes differ from 1"
  done
done
# The default bucket (one allreduce here) and the allreduces after backward give the same sums.
args=("${common[@]}" --cell lstm --sequences stream --seed 3)
"${mpi[@]}" "$rnngen" train "${args[@]}" --out "$tmp/two-one-bucket" || fail "2 processes, one bucket"
"${mpi[@]}" "$rnngen" train "${args[@]}" --bucket-mb 0.01 --no-overlap --out "$tmp/two-no-overlap" || fail "--no-overlap"
for v in one-bucket no-overlap; do
  cmp "$tmp/two-lstm-stream/model.safetensors" "$tmp/two-$v/model.safetensors" || fail "$v differs from 10 KiB buckets"
done
"$rnngen" train "${common[@]}" --cell lstm --seed 4 --out "$tmp/seed4" || fail "seed 4 run"
"${compare[@]}" "$tmp/one-lstm-stream/model.safetensors" "$tmp/seed4/model.safetensors" --rtol 1e-5 --expect-differ |
  tail -1
[[ ${PIPESTATUS[0]} == 0 ]] || fail "another seed gives the same parameters: the comparison cannot fail"

echo "== 2. --batch-size 5 over 2 processes"
"${mpi[@]}" "$rnngen" train "${net[@]}" --batch-size 5 --max-steps 2 -q --out "$tmp/odd" 2>"$tmp/odd.err"
rc=$?
grep -m1 -- "--batch-size 5" "$tmp/odd.err"
[[ $rc != 0 ]] || fail "--batch-size 5 over 2 processes exited 0"
grep -q -- "--batch-size 5: not divisible by the 2 processes" "$tmp/odd.err" || fail "no --batch-size message"

# The pid of rank 1 of the mpirun job $1 once it trains: previous.safetensors appears in $2 with
# the second checkpoint (step 10; the first is step 0). Empty when rank 1 is not found.
rank1_once_training() {
  local p
  for _ in $(seq 1 600); do [[ -f $2/checkpoint/previous.safetensors ]] && break; sleep 0.05; done
  sleep 0.3
  for p in $(pgrep -P "$1"); do
    grep -qz '^OMPI_COMM_WORLD_RANK=1$' "/proc/$p/environ" 2>/dev/null && echo "$p"
  done
}

echo "== 3. kill -9 one rank, then --resume"
base=("$data" --precision fp32 --hidden-size 48 --num-layers 2 --batch-size 4 --seq-len 32 --dropout 0.2 --clip 1
  --threads 1 --seed 5 --checkpoint-every 10 --val-fraction 0.1 -q)
# Long enough that rank 1 still trains when found (step 10's checkpoint + 0.3 s): 400 steps
# took 0.33 s on a Zen 4 core, and the whole run had ended before the kill in 2 of 3 runs.
long=("${base[@]}" --epochs 40 --max-steps 2000)
"${mpi[@]}" "$rnngen" train "${long[@]}" --out "$tmp/whole" || fail "uninterrupted 2-process run"
"${mpi[@]}" "$rnngen" train "${long[@]}" --out "$tmp/killed" --mpi-timeout 30 &
job=$!
victim=$(rank1_once_training "$job" "$tmp/killed")
if [[ -z $victim ]]; then
  fail "could not find rank 1 (already finished?)"
else
  kill -9 "$victim"
  start=$SECONDS
  wait "$job"
  rc=$?
  echo "killed rank 1 (pid $victim): mpirun exited $rc after $((SECONDS - start)) s"
  [[ $rc != 0 ]] || fail "the job with a killed rank exited 0"
  (( SECONDS - start < 60 )) || fail "the job with a killed rank took $((SECONDS - start)) s to end"
  "$rnngen" train "${long[@]}" --out "$tmp/killed" --resume 2>"$tmp/n1.err"
  rc=$?
  cat "$tmp/n1.err"
  [[ $rc == 2 ]] || fail "--resume with 1 process of a 2-process checkpoint: exit $rc, not 2"
  grep -q "was written by a run of 2 process(es), not 1" "$tmp/n1.err" || fail "no process-count message"
  "${mpi[@]}" "$rnngen" train "${long[@]}" --out "$tmp/killed" --resume || fail "--resume with 2 processes"
  "${compare[@]}" "$tmp/whole/model.safetensors" "$tmp/killed/model.safetensors" --rtol 0 | tail -1
  [[ ${PIPESTATUS[0]} == 0 ]] || fail "killed and resumed run differs from the uninterrupted one"
  cmp "$tmp/whole/model.safetensors" "$tmp/killed/model.safetensors" || fail "model bytes differ after resume"
fi

echo "== 4. a hung rank (SIGSTOP): the other gives up after --mpi-timeout 3"
"${mpi[@]}" "$rnngen" train "${base[@]}" --max-steps 100000 --epochs 1000 --out "$tmp/hung" --mpi-timeout 3 \
  2>"$tmp/hung.err" &
job=$!
victim=$(rank1_once_training "$job" "$tmp/hung")
if [[ -z $victim ]]; then
  fail "could not find rank 1"
else
  kill -STOP "$victim"
  start=$SECONDS
  wait "$job"
  rc=$?
  kill -9 "$victim" 2>/dev/null
  echo "stopped rank 1: mpirun exited $rc after $((SECONDS - start)) s"
  grep -m1 "mpi-timeout" "$tmp/hung.err"
  [[ $rc != 0 ]] || fail "the job with a hung rank exited 0"
  grep -q "got no answer from the other processes for 3 s (--mpi-timeout)" "$tmp/hung.err" || fail "no timeout message"
fi

echo "failures: $failures"
[[ $failures == 0 ]]
