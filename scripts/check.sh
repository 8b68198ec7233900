#!/usr/bin/env bash
# The project's test command (README's second command; .ci/run calls it).
# Formatting, clippy with -D warnings, every test (unit, rules, properties,
# lifecycle scenarios, pool, interop with real peers, demo), the no_std
# build and tests, the benches and examples, the trace driver's split
# invariance, and the differential run against h11 and llhttp.
set -euo pipefail
cd "$(dirname "$0")/.."
step() { printf '\n==> %s\n' "$*"; }

step "cargo fmt --check"
cargo fmt --all -- --check
step "cargo clippy --all-targets --all-features -D warnings"
cargo clippy --all-targets --all-features -- -D warnings
step "no_std: build and unit tests without default features"
cargo build --no-default-features --lib
cargo test --no-default-features --lib
step "benches and examples build (release)"
cargo build --release --benches --examples --all-features
step "cargo test --all-features (unit, doc, scenario, property, interop)"
cargo test --all-features
step "trace driver: --chunk 1 gives the same output as the whole input"
for f in examples/captures/*.http; do
  diff <(target/release/examples/trace --role server < "$f") \
       <(target/release/examples/trace --role server --chunk 1 < "$f")
done
step "differential run against h11 and llhttp (bounded)"
if command -v python3 >/dev/null 2>&1; then
  python3 tests/differential/run.py --ci --report target/difftest-ci.json
else
  echo "SKIP: python3 missing"
fi
if [ -x fuzz/smoke.sh ]; then
  step "fuzz smoke run"
  bash fuzz/smoke.sh
fi
echo "check.sh: all steps passed"
