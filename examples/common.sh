# Shared by the example scripts (sourced, not run): where things are, and the checks every
# script makes before it spends minutes training.
#   RNNGEN          the binary (default build/rnngen)
#   RNNGEN_BUDGET   training seconds (each script has its own short default)
#   RNNGEN_THREADS  threads (default 2)
#   RNNGEN_OUT      model directory (default out/<script name>)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
name=$(basename "$0" .sh)
data=../shared/data
bin=${RNNGEN:-build/rnngen}
threads=${RNNGEN_THREADS:-2}
out=${RNNGEN_OUT:-out/$name}

need_data() {  # need_data FILE...: every corpus file must be there
  local f
  for f in "$@"; do
    if [[ ! -f $data/$f ]]; then
      echo "$name: $data/$f not found: the corpora live in shared/data next to this checkout (see shared/data/README.md)" >&2
      exit 2
    fi
  done
}
if [[ ! -x $bin ]]; then
  echo "$name: $bin not found: build first (cmake -S . -B build -G Ninja && cmake --build build) or set RNNGEN" >&2
  exit 2
fi
mkdir -p "$(dirname "$out")"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
SECONDS=0
