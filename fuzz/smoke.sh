#!/usr/bin/env bash
# CI's bounded fuzz run: installs cargo-fuzz when missing, then runs every
# target for FUZZ_SECONDS (default 30) each through run-all.sh, which fails
# on any crash, leak report, timeout or out-of-memory.
set -euo pipefail
cd "$(dirname "$0")"
if ! command -v cargo-fuzz >/dev/null 2>&1; then
  echo "smoke: installing cargo-fuzz"
  cargo install cargo-fuzz --locked --quiet
fi
exec bash run-all.sh "${FUZZ_SECONDS:-30}"
