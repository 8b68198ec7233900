#!/usr/bin/env bash
# Instructions per message, counted by valgrind's callgrind (deterministic, unlike wall time),
# for each corpus of benches/parse.rs and each of the bench's four functions: h1conn's Decoder
# (`h1conn`, the bench's `h1conn/parse_and_frame`), httparse plus the least framing work
# (`httparse`, `httparse/heads_plus_framing`), and the full cycle through a Connection of
# h1conn (`h1conn_full`, `h1conn/full_cycle`) and of http-net (`httpnet_full`,
# `http-net/full_cycle`).
#
#   scripts/callgrind.sh [--iterations N] [--walkers W,W,...] [CORPUS...]
#
# Builds the release harness examples/corpus_walk.rs, then runs it under
# `valgrind --tool=callgrind --toggle-collect='*measured_*'` (only the walk itself is counted:
# generating the corpus, copying it and making the decoder or connection are not) with N and
# N+10 iterations (N defaults to 1). Instructions per message = (Ir(N+10) - Ir(N)) /
# (10 x messages), so one-time costs inside the walk (CPU feature detection, first use of the
# buffer) drop out. CORPUS names restrict the run (requests_1k, responses_1k, plaintext_10k;
# default all); --walkers restricts the walkers (default the bench's four; `h1conn_full_copy`,
# the full cycle fed through the copying `handle_input`, is also available).
# Prints markdown tables; ratio = httparse / other (the README's "httparse ÷ h1conn": at or
# above 1.00 means fewer instructions than httparse + framing, the goal).
# The harness holds all four walkers, so Decoder::decode has two callers (the parse walker and
# Connection) and is not inlined into the parse walker: h1conn's parse+frame counts are 14-32%
# above those of the two-walker harness of earlier commits (see benches/parse.rs).
# Needs valgrind (installed with apt-get if missing).
set -euo pipefail
cd "$(dirname "$0")/.."

n=1
corpora=()
walkers="h1conn,httparse,h1conn_full,httpnet_full"
while [ $# -gt 0 ]; do
  case "$1" in
    --iterations) n="$2"; shift 2 ;;
    --iterations=*) n="${1#--iterations=}"; shift ;;
    --walkers) walkers="$2"; shift 2 ;;
    --walkers=*) walkers="${1#--walkers=}"; shift ;;
    -h|--help) sed -n '2,23p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    -*) echo "unknown option $1" >&2; exit 2 ;;
    *) corpora+=("$1"); shift ;;
  esac
done
case "$n" in ''|*[!0-9]*|0) echo "--iterations needs a positive integer" >&2; exit 2 ;; esac
[ ${#corpora[@]} -gt 0 ] || corpora=(requests_1k responses_1k plaintext_10k)
IFS=, read -r -a walker_list <<<"$walkers"
for w in "${walker_list[@]}"; do
  case "$w" in h1conn|httparse|h1conn_full|h1conn_full_copy|httpnet_full) ;; *) echo "unknown walker $w" >&2; exit 2 ;; esac
done

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
  for walker in "${walker_list[@]}"; do
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

# Walker, column title.
WALKERS = [
    ("h1conn", "h1conn parse+frame"),
    ("httparse", "httparse+framing"),
    ("h1conn_full", "h1conn full cycle"),
    ("h1conn_full_copy", "h1conn full cycle, copied input"),
    ("httpnet_full", "http-net full cycle"),
]
per_msg, per_byte, info = defaultdict(dict), defaultdict(dict), {}
for line in open(sys.argv[1]):
    corpus, walker, messages, nbytes, a, b = line.split()
    diff = int(b) - int(a)
    per_msg[corpus][walker] = diff / (10 * int(messages))
    per_byte[corpus][walker] = diff / (10 * int(nbytes))
    info[corpus] = (int(messages), int(nbytes))
ran = [(w, t) for w, t in WALKERS if any(w in per_msg[c] for c in info)]

def cell(x, fmt):
    return format(x, fmt) if x is not None else "-"

def ratio(num, den):
    return f"{num / den:.2f}" if num and den else "-"

print()
print("Instructions per message (ratio = httparse+framing ÷ other: at or above 1.00 meets the goal)")
print()
others = [(w, t) for w, t in ran if w != "httparse"]
head = ["corpus", "messages", "bytes"] + [t for _, t in ran] + [f"httparse ÷ {t}" for _, t in others]
if any(w == "h1conn_full" for w, _ in ran) and any(w == "httpnet_full" for w, _ in ran):
    head.append("http-net ÷ h1conn full cycle")
print("| " + " | ".join(head) + " |")
print("|---|" + "--:|" * (len(head) - 1))
for corpus, (messages, nbytes) in info.items():
    m = per_msg[corpus]
    row = [corpus, f"{messages:,}", f"{nbytes:,}"]
    row += [cell(m.get(w), ",.0f") for w, _ in ran]
    row += [ratio(m.get("httparse"), m.get(w)) for w, _ in others]
    if len(row) < len(head):
        row.append(ratio(m.get("httpnet_full"), m.get("h1conn_full")))
    print("| " + " | ".join(row) + " |")

print()
print("Instructions per byte")
print()
print("| corpus | " + " | ".join(t for _, t in ran) + " |")
print("|---|" + "--:|" * len(ran))
for corpus in info:
    b = per_byte[corpus]
    print(f"| {corpus} | " + " | ".join(cell(b.get(w), ".2f") for w, _ in ran) + " |")
PY
