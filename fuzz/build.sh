#!/bin/sh
# Builds the libFuzzer targets under ASan + UBSan with clang into $1 (default build-fuzz),
# from only the sources they need (no whole-library build), each source compiled once and
# shared by the targets. What CMake's RNNGEN_FUZZ option runs; used by scripts/setup test.
set -eu
cd "$(dirname "$0")/.."
out=${1:-build-fuzz}
jobs=${JOBS:-$(nproc)}
mkdir -p "$out/obj"
san="-fsanitize=address,undefined -fno-sanitize-recover=undefined"
cflags="-std=c++20 -O1 -g -march=x86-64-v3 $san -Iinclude -Isrc -Ifuzz $(pkg-config --cflags libutf8proc sentencepiece)"
libs="$(pkg-config --libs libutf8proc sentencepiece) -lcsv"
io="src/io/safetensors.cc src/io/json_file.cc src/io/atomic_file.cc src/io/config_json.cc"
text="$(ls src/text/*.cc | tr '\n' ' ') src/util/base64.cc"
obj() { echo "$out/obj/$(echo "$1" | tr / _).o"; }

# Compile every library source once (in parallel), with coverage instrumentation for libFuzzer.
for src in $io $text; do echo "$src"; done |
  xargs -P "$jobs" -I{} sh -c 'o="$1/obj/$(echo "$2" | tr / _).o"; clang++ $3 -fsanitize=fuzzer-no-link -c "$2" -o "$o"' _ "$out" {} "$cflags"

link() {  # link NAME SOURCES...
  name=$1; shift
  objs=""; for s in "$@"; do objs="$objs $(obj "$s")"; done
  clang++ $cflags -fsanitize=fuzzer "fuzz/$name.cc" $objs $libs -o "$out/$name"
}
link safetensors_fuzz $io
link config_json_fuzz $io
link tokenizer_json_fuzz $io $text
link text_readers_fuzz $io $text
