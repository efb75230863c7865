#!/usr/bin/env bash
# Installs what is missing, builds, and runs every test: unit tests (GoogleTest via ctest), then the
# end-to-end, client-compatibility and browser tests (node:test) against the real binary, once on
# the SQLite store and once on PostgreSQL (a throwaway cluster started here, stopped at the end).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh --test
scripts/build.sh
mkdir -p test-artifacts

PG_DIR=$(mktemp -d /tmp/airbase-pg.XXXXXX)
trap 'scripts/pg-cluster.sh stop "$PG_DIR"' EXIT
export AIRBASE_TEST_POSTGRES
AIRBASE_TEST_POSTGRES=$(scripts/pg-cluster.sh start "$PG_DIR")
echo "== PostgreSQL for the tests: $AIRBASE_TEST_POSTGRES"

echo "== unit tests (the store conformance suite on SQLite and PostgreSQL)"
(cd build && ctest --output-on-failure -j2)
echo "== formula fuzzer (libFuzzer, 30 s; longer by hand: scripts/fuzz.sh 3600)"
scripts/fuzz.sh 30
echo "== end-to-end, client compatibility and browser tests on SQLite (screenshots in test-artifacts/)"
(cd tests && AIRBASE_TEST_STORE=sqlite AIRBASE_BIN="$PWD/../build/airbase" \
  node --test --test-concurrency=2 e2e/ compat/ browser/)
echo "== the same on PostgreSQL"
(cd tests && AIRBASE_TEST_STORE=postgres AIRBASE_BIN="$PWD/../build/airbase" \
  node --test --test-concurrency=2 e2e/ compat/ browser/)
