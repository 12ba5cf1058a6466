#!/usr/bin/env bash
# Load test of `rnngen serve` with wrk (Debian): C connections for D seconds, each request a
# non-streaming completion of TOKENS tokens with a fixed seed; prints wrk's report (requests/s,
# latency percentiles, errors) and the server's RSS at start, after a 5 s warm-up and after.
#   bench/serve_wrk.sh build/rnngen MODEL_DIR [CONNECTIONS=16] [SECONDS=30] [TOKENS=16] [THREADS=1]
set -euo pipefail
cli=$1 model=$2 conns=${3:-16} secs=${4:-30} tokens=${5:-16} threads=${6:-1}
tmp=$(mktemp -d)
trap 'kill "$pid" 2>/dev/null || true; rm -rf "$tmp"' EXIT
"$cli" serve "$model" --port 0 --threads "$threads" 2> "$tmp/err" &
pid=$!
for _ in $(seq 50); do grep -q listening "$tmp/err" && break; sleep 0.1; done
port=$(grep -o ':[0-9]*$' "$tmp/err" | tr -d :)
cat > "$tmp/post.lua" <<LUA
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.body = '{"prompt": "The ", "max_tokens": $tokens, "seed": 1}'
LUA
rss() { awk '/VmRSS/ {print $2 " kB"}' "/proc/$pid/status"; }
echo "RSS at start: $(rss)"
# Warm-up at the same concurrency: the first generation makes the batch engine's packed weights
# and buffers (src/sample/batch_engine.h), so RSS grows once and should then stay.
wrk -t 2 -c "$conns" -d 5s -s "$tmp/post.lua" "http://127.0.0.1:$port/v1/completions" >/dev/null
echo "RSS before: $(rss)"
wrk -t 2 -c "$conns" -d "${secs}s" --latency -s "$tmp/post.lua" "http://127.0.0.1:$port/v1/completions"
echo "RSS after: $(rss)"
