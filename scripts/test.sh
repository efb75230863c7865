#!/usr/bin/env bash
# Installs what is missing, builds, and runs every test: unit tests (GoogleTest via ctest), then the
# end-to-end and client-compatibility tests (node:test) against the real binary.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh --test
scripts/build.sh
mkdir -p test-artifacts
echo "== unit tests"
(cd build && ctest --output-on-failure -j2)
echo "== formula fuzzer (libFuzzer, 30 s; longer by hand: scripts/fuzz.sh 3600)"
scripts/fuzz.sh 30
echo "== end-to-end, client compatibility and browser tests (screenshots in test-artifacts/)"
(cd tests && AIRBASE_BIN="$PWD/../build/airbase" node --test --test-concurrency=2 e2e/ compat/ browser/)
