#!/usr/bin/env bash
# Installs what is missing, builds, and starts airbase on the embedded SQLite default.
# Extra arguments go to `airbase serve` (e.g. --listen 0.0.0.0:8080 --data /var/lib/airbase).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
scripts/build.sh
exec build/airbase serve "$@"
