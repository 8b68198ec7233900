#!/usr/bin/env bash
# Seed the corpora, then fuzz every target for SECONDS each, one after another.
#
#     fuzz/run-all.sh SECONDS
#
# One libFuzzer process at a time (one core; the same as -jobs=1 but with the
# output on the terminal and the exit status passed through). Each target
# runs with -max_total_time=SECONDS -rss_limit_mb=2048 -timeout=10 under
# AddressSanitizer (leak detection on) with debug assertions and overflow
# checks (cargo-fuzz's defaults). Extra arguments after SECONDS go to
# libFuzzer, e.g. `fuzz/run-all.sh 60 -max_len=4096`.
#
# Exit status: 0 if every target ran its time clean; 1 if any crashed,
# leaked, timed out or ran out of memory (the input is in
# fuzz/artifacts/<target>/, the log in fuzz/logs/<target>.log); 2 on a
# usage or build error.
set -uo pipefail

if [[ $# -lt 1 || ! "$1" =~ ^[0-9]+$ ]]; then
    echo "usage: $0 SECONDS [libFuzzer args...]" >&2
    exit 2
fi
secs=$1
shift
cd "$(dirname "$0")" || exit 2
export RUSTC_BOOTSTRAP=1 # cargo-fuzz passes nightly flags (-Zsanitizer)

command -v cargo-fuzz >/dev/null || { echo "cargo-fuzz not found: cargo install cargo-fuzz" >&2; exit 2; }
python3 seed.py || exit 2
cargo fuzz build || exit 2

mkdir -p logs
failed=()
for t in $(cargo fuzz list); do
    echo "=== $t: ${secs}s ==="
    if cargo fuzz run "$t" -- -max_total_time="$secs" -rss_limit_mb=2048 -timeout=10 \
        -print_final_stats=1 "$@" 2>&1 | tee "logs/$t.log" | grep -E '^#[0-9]+[[:space:]]+(INITED|DONE)|^stat::|ERROR|panicked|SUMMARY'; then :; fi
    if [[ ${PIPESTATUS[0]} -ne 0 ]]; then
        failed+=("$t")
        echo "!!! $t FAILED (log: fuzz/logs/$t.log, input: fuzz/artifacts/$t/)"
    fi
done

if [[ ${#failed[@]} -ne 0 ]]; then
    echo "failed targets: ${failed[*]}"
    exit 1
fi
echo "all targets clean"
