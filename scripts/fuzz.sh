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
rc=0
build-fuzz/formula_fuzz -max_total_time="$seconds" -max_len=512 -timeout=5 -rss_limit_mb=2048 \
  -artifact_prefix=test-artifacts/ -print_final_stats=1 build-fuzz/corpus >build-fuzz/last.log 2>&1 || rc=$?
tail -5 build-fuzz/last.log
if [ "$rc" -ne 0 ]; then  # a crash (77/ASan), a timeout (70) or an out-of-memory: say which input
  grep -E "ERROR|ALARM|Test unit written|deadly|SUMMARY" build-fuzz/last.log | head -20 || true
  for f in test-artifacts/crash-* test-artifacts/timeout-* test-artifacts/oom-* test-artifacts/leak-*; do
    [ -f "$f" ] && { echo "input $f:"; head -c 600 "$f"; echo; }
  done
  exit "$rc"
fi
