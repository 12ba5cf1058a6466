#!/bin/sh
# One command for the table in docs/performance.md: installs Debian's PyTorch if missing,
# builds rnngen (Release) and runs bench/vs_pytorch.py with the given arguments
# (default: every training config and the generation rows, at 1 and 2 threads).
#   bench/vs_pytorch.sh [--repeats 3] [--threads 1,2] [--json out.json] ...
set -eu
cd "$(dirname "$0")/.."
if ! /usr/bin/python3 -c 'import torch' 2>/dev/null; then
  echo "vs_pytorch.sh: installing python3-torch" >&2
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO=sudo
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends python3-torch
fi
BUILD=${BUILD:-build}
cmake -S . -B "$BUILD" -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build "$BUILD" -j"${JOBS:-2}" --target rnngen_cli >&2
echo "# $(date -u '+%Y-%m-%d %H:%M UTC'), commit $(git rev-parse --short HEAD)$(git diff --quiet HEAD -- src tools bench || echo '+dirty'), $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)"
exec /usr/bin/python3 bench/vs_pytorch.py --build "$BUILD" "$@"
