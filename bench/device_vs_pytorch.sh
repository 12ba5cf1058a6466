#!/usr/bin/env bash
# rnngen against the GPU machine's own PyTorch (2.x) on that machine's CPU, 2 threads on two
# physical cores, as issue #6 asks whenever that machine is lent. Runs THERE, through the
# device tool, after bench/device_bundle.sh here:
#
#   run(command="bash bench/device_vs_pytorch.sh", carry=[".devbundle"], timeout_s=600)
#
# Three phases, each its own result files under $OUT (or out/device), so a phase cut off by the
# time limit leaves the earlier ones: (1) fp32 training, every config, and batch-1 generation;
# (2) --precision bf16 (AMX or AVX512-BF16 through oneDNN) against torch.autocast bf16;
# (3) batch-64 generation. PHASES (default "1 2 3") picks; CONFIGS overrides phase 1's list.
# PYTHON: the Python with PyTorch (default: python3 on PATH).
set -uo pipefail
cd "$(dirname "$0")/.."
out=${OUT:-out/device}
mkdir -p "$out"
dir=/tmp/rnngen-bundle
rm -rf "$dir" && mkdir -p "$dir"
# tar needs xz for .tar.xz; Python's tarfile does not (lzma is in its standard library).
tar -C "$dir" -xJf .devbundle/rnngen.tar.xz 2>/dev/null ||
  python3 -c 'import sys, tarfile; tarfile.open(sys.argv[1]).extractall(sys.argv[2])' .devbundle/rnngen.tar.xz "$dir" || exit 2
# The bundled libraries for rnngen alone: PyTorch's Python must keep the machine's own
# libstdc++ and libgomp, so LD_LIBRARY_PATH is set in a wrapper, not exported here.
cat > "$dir/rnngen-run" <<WRAP
#!/bin/sh
LD_LIBRARY_PATH=$dir/lib\${LD_LIBRARY_PATH:+:\$LD_LIBRARY_PATH} exec $dir/rnngen "\$@"
WRAP
chmod +x "$dir/rnngen-run"
if ! "$dir/rnngen-run" --version; then
  echo "device_vs_pytorch.sh: the bundled rnngen does not start here (ldd follows)"
  LD_LIBRARY_PATH=$dir/lib ldd "$dir/rnngen"; ldd --version | head -1
  exit 2
fi
py=${PYTHON:-$(command -v python3)}  # the device: the python3 on PATH holds PyTorch
{
  echo "rnngen commit $(cat "$dir/COMMIT")"; lscpu; nproc
  "$py" -c 'import torch; print("torch", torch.__version__); print(torch.__config__.show())'
} > "$out/machine.txt" 2>&1
grep -E "Model name|^Flags" "$out/machine.txt" | cut -c1-160

# Two physical cores (not two hyperthreads of one), the shape of the 2-core machines CI uses.
cpus=$(lscpu -p=CPU,CORE 2>/dev/null | grep -v '^#' | sort -t, -k2,2n -u | head -2 | cut -d, -f1 | paste -sd,)
pin=()
if [[ -n $cpus ]] && taskset -c "$cpus" true 2>/dev/null; then pin=(taskset -c "$cpus"); fi
echo "pinned to CPUs: ${cpus:-none} (${pin[*]:-taskset unavailable})"

vs() {  # vs NAME ARGS...: one vs_pytorch.py run, its table and raw JSON under $out
  local name=$1; shift
  echo "== $name"
  "${pin[@]}" "$py" bench/vs_pytorch.py --rnngen-bin "$dir/rnngen-run" --torch-python "$py" --threads 2 \
    --repeats 3 --json "$out/$name.json" "$@" 2> "$out/$name.err" | tee "$out/$name.md"
}
for phase in ${PHASES:-1 2 3}; do
  case $phase in
    1) vs fp32 --configs "${CONFIGS:-char-lstm-h128,char-lstm-h256,char-lstm-h512,char-lstm-h1024,char-gru-h512,char-rnn-h512,ptb-medium}" \
         --gen-configs gen-lstm-h512-b1 ;;
    2) vs bf16_autocast --configs char-lstm-h512,char-gru-h512,ptb-medium --gen-configs '' \
         --rnngen-precision bf16 --torch-autocast ;;
    3) vs gen_b64 --configs '' --gen-configs gen-lstm-h512-b64 ;;
  esac
done
