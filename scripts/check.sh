#!/usr/bin/env bash
# The project's test command (README's second command; .ci/run calls it).
# Formatting, clippy with -D warnings, every test, the no_std build and
# tests, and a build of the benches and examples.
set -euo pipefail
cd "$(dirname "$0")/.."
step() { printf '\n==> %s\n' "$*"; }

step "cargo fmt --check"
cargo fmt --all -- --check
step "cargo clippy --all-targets -D warnings"
cargo clippy --all-targets -- -D warnings
step "cargo test (std)"
cargo test --all-targets
cargo test --doc
step "no_std: build and unit tests without default features"
cargo build --no-default-features --lib
cargo test --no-default-features --lib
step "benches and examples build (release)"
cargo build --release --benches --examples
step "trace driver: --chunk 1 gives the same output as the whole input"
for f in examples/captures/*.http; do
  diff <(target/release/examples/trace --role server < "$f") \
       <(target/release/examples/trace --role server --chunk 1 < "$f")
done
echo "check.sh: all steps passed"
