#!/usr/bin/env bash
# Instructions per message, counted by valgrind's callgrind (deterministic, unlike wall time),
# for each corpus of benches/parse.rs and each walker: h1conn's Decoder, and httparse plus the
# least framing work (the bench's `httparse/heads_plus_framing`).
#
#   scripts/callgrind.sh [--iterations N] [CORPUS...]
#
# Builds the release harness examples/corpus_walk.rs, then runs it under
# `valgrind --tool=callgrind --toggle-collect='*measured_*'` (only the walk itself is counted:
# generating the corpus, copying it and making the decoder are not) with N and N+10 iterations
# (N defaults to 1). Instructions per message = (Ir(N+10) - Ir(N)) / (10 x messages), so
# one-time costs inside the walk (CPU feature detection, first use of the buffer) drop out.
# CORPUS names restrict the run (requests_1k, responses_1k, plaintext_10k; default all).
# Prints a markdown table; ratio = h1conn / httparse (at or below 1.00 meets the goal).
# Needs valgrind (installed with apt-get if missing).
set -euo pipefail
cd "$(dirname "$0")/.."

n=1
corpora=()
while [ $# -gt 0 ]; do
  case "$1" in
    --iterations) n="$2"; shift 2 ;;
    --iterations=*) n="${1#--iterations=}"; shift ;;
    -h|--help) sed -n '2,15p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    -*) echo "unknown option $1" >&2; exit 2 ;;
    *) corpora+=("$1"); shift ;;
  esac
done
case "$n" in ''|*[!0-9]*|0) echo "--iterations needs a positive integer" >&2; exit 2 ;; esac
[ ${#corpora[@]} -gt 0 ] || corpora=(requests_1k responses_1k plaintext_10k)

if ! command -v valgrind >/dev/null 2>&1; then
  echo "==> installing valgrind" >&2
  apt-get update -qq >&2 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq valgrind >&2
fi

target_dir="$(cargo metadata --format-version 1 --no-deps | python3 -c 'import json,sys; print(json.load(sys.stdin)["target_directory"])')"
cargo build --release --example corpus_walk >&2
harness="$target_dir/release/examples/corpus_walk"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

# Ir of one run: the `summary:` line of the callgrind output.
instructions() { # corpus walker iterations
  local out="$work/$1.$2.$3.out"
  valgrind --tool=callgrind --toggle-collect='*measured_*' --callgrind-out-file="$out" \
    "$harness" "$1" "$2" "$3" >"$work/stdout" 2>"$work/stderr" || {
    cat "$work/stderr" >&2
    exit 1
  }
  awk '/^summary:/ { print $2 }' "$out"
}

rows="$work/rows"
for corpus in "${corpora[@]}"; do
  for walker in h1conn httparse; do
    echo "==> $corpus / $walker: $n and $((n + 10)) iterations" >&2
    a="$(instructions "$corpus" "$walker" "$n")"
    b="$(instructions "$corpus" "$walker" "$((n + 10))")"
    messages="$(sed -n 's/.* messages=\([0-9]*\).*/\1/p' "$work/stdout")"
    bytes="$(sed -n 's/.* bytes=\([0-9]*\).*/\1/p' "$work/stdout")"
    printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$corpus" "$walker" "$messages" "$bytes" "$a" "$b" >>"$rows"
  done
done

python3 - "$rows" <<'PY'
import sys
from collections import defaultdict

per_msg, per_byte, info = defaultdict(dict), defaultdict(dict), {}
for line in open(sys.argv[1]):
    corpus, walker, messages, nbytes, a, b = line.split()
    diff = int(b) - int(a)
    per_msg[corpus][walker] = diff / (10 * int(messages))
    per_byte[corpus][walker] = diff / (10 * int(nbytes))
    info[corpus] = (int(messages), int(nbytes))

print()
print("| corpus | messages | bytes | h1conn instr/msg | httparse+framing instr/msg | ratio h1conn/httparse |"
      " h1conn instr/byte | httparse instr/byte |")
print("|---|--:|--:|--:|--:|--:|--:|--:|")
for corpus, (messages, nbytes) in info.items():
    h, p = per_msg[corpus].get("h1conn"), per_msg[corpus].get("httparse")
    hb, pb = per_byte[corpus].get("h1conn"), per_byte[corpus].get("httparse")
    ratio = f"{h / p:.2f}" if h and p else "-"
    print(f"| {corpus} | {messages:,} | {nbytes:,} | {h:,.0f} | {p:,.0f} | {ratio} | {hb:.2f} | {pb:.2f} |")
PY
