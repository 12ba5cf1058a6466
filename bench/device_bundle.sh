#!/usr/bin/env bash
# Packs a built rnngen and every shared library it loads beyond glibc into
# .devbundle/rnngen.tar.xz (git ignores .devbundle/), for a machine that cannot install Debian's
# packages: the GPU machine the device tool lends (no network there). bench/device_vs_pytorch.sh
# unpacks it there. The binary needs glibc >= 2.36 (Debian 12's), which device_vs_pytorch.sh
# checks first.
#
#   bench/device_bundle.sh [BUILD]     (default build; build it first, Release)
set -euo pipefail
cd "$(dirname "$0")/.."
bin=${1:-build}/rnngen
[[ -x $bin ]] || { echo "device_bundle.sh: $bin not found (build first)" >&2; exit 2; }
stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
mkdir -p "$stage/lib" .devbundle
cp "$bin" "$stage/"
ldd "$bin" | awk '$2 == "=>" && $3 ~ /^\// { print $3 }' | while read -r lib; do
  case $(basename "$lib") in
    libc.so.*|libm.so.*|libpthread.so.*|libdl.so.*|librt.so.*|ld-linux*) ;;  # glibc: the machine's own
    *) cp -L "$lib" "$stage/lib/" ;;
  esac
done
git rev-parse --short HEAD > "$stage/COMMIT"
tar -C "$stage" -cf - . | xz -T1 -6 > .devbundle/rnngen.tar.xz.tmp
mv .devbundle/rnngen.tar.xz.tmp .devbundle/rnngen.tar.xz
echo "$(du -h .devbundle/rnngen.tar.xz | cut -f1) .devbundle/rnngen.tar.xz: $(ls "$stage/lib" | tr '\n' ' ')"
