#!/bin/sh
# Builds the libFuzzer targets under ASan + UBSan with clang into $1 (default build-fuzz),
# compiling only the sources each one needs (no whole-library build): what CMake's
# RNNGEN_FUZZ option does, without a configure step. Used by scripts/setup's fuzz smoke.
set -eu
cd "$(dirname "$0")/.."
out=${1:-build-fuzz}
mkdir -p "$out"
flags="-std=c++20 -O1 -g -march=x86-64-v3 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined -Iinclude -Isrc -Ifuzz"
io="src/io/safetensors.cc src/io/json_file.cc src/io/atomic_file.cc"
text="$(ls src/text/*.cc | tr '\n' ' ') src/util/base64.cc src/io/config_json.cc"
libs="$(pkg-config --cflags --libs libutf8proc sentencepiece) -lcsv"
build() { name=$1; shift; clang++ $flags "fuzz/$name.cc" "$@" -o "$out/$name"; }
build safetensors_fuzz $io
build config_json_fuzz $io src/io/config_json.cc
build tokenizer_json_fuzz $io $text $libs
build text_readers_fuzz $io $text $libs
