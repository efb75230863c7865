#!/usr/bin/env bash
# Installs what airbase needs on Debian 12 (bookworm), skipping what is already there.
# Usage: scripts/install-deps.sh [--test]   (--test adds the test tools: Node.js and npm packages,
# chromium, PostgreSQL's server for the throwaway cluster the tests start, haproxy for the fleet)
set -euo pipefail
cd "$(dirname "$0")/.."

PKGS=(build-essential cmake ninja-build ccache pkg-config
      libboost1.81-dev libboost-json1.81-dev libboost-url1.81-dev
      libsqlite3-dev libssl-dev libsodium-dev libre2-dev libpq-dev libvips-dev
      libgtest-dev libbenchmark-dev prometheus-cpp-dev tzdata)
if [ "${1:-}" = "--test" ]; then
  PKGS+=(nodejs npm curl clang libclang-rt-14-dev chromium postgresql haproxy)
fi

missing=()
for p in "${PKGS[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
# Node.js may come from outside Debian's packages (e.g. a preinstalled node); accept any node >= 18.
if command -v node >/dev/null 2>&1 && command -v npm >/dev/null 2>&1; then
  tmp=(); for p in "${missing[@]}"; do [ "$p" = nodejs ] || [ "$p" = npm ] || tmp+=("$p"); done
  missing=("${tmp[@]+"${tmp[@]}"}")
fi

if [ ${#missing[@]} -gt 0 ]; then
  echo "installing: ${missing[*]}"
  SUDO=""
  [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}"
fi

if [ "${1:-}" = "--test" ]; then
  (cd tests && if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
     npm ci --no-audit --no-fund --loglevel=error; fi)
fi
