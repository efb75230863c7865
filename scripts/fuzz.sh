#!/usr/bin/env bash
# Builds the formula fuzzer with clang (libFuzzer + ASan + UBSan) and runs it for N seconds
# (default 30) over fuzz/corpus. Longer by hand: scripts/fuzz.sh 3600
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-30}"
if [ ! -f build-fuzz/build.ninja ]; then
  CC=clang CXX=clang++ cmake -S . -B build-fuzz -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DAIRBASE_FUZZ=ON -DAIRBASE_TESTS=OFF -DAIRBASE_BENCH=OFF >/dev/null
fi
cmake --build build-fuzz --target formula_fuzz
mkdir -p build-fuzz/corpus test-artifacts
cp -n fuzz/corpus/* build-fuzz/corpus/ 2>/dev/null || true
build-fuzz/formula_fuzz -max_total_time="$seconds" -max_len=512 -timeout=5 -rss_limit_mb=2048 \
  -artifact_prefix=test-artifacts/ -print_final_stats=1 build-fuzz/corpus 2>&1 | tail -5
