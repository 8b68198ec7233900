#!/usr/bin/env bash
# Runs the `parse` bench (benches/parse.rs) and prints, per corpus, the median time of each of
# its four functions (h1conn/parse_and_frame, httparse/heads_plus_framing, h1conn/full_cycle,
# http-net/full_cycle), each one's ratio to httparse and its throughput.
#
#   scripts/bench-ratios.sh [--rounds N] [criterion args...]
#
# --rounds N runs the whole bench N times (every corpus, every function, round after round, so
# the functions see the same machine noise) and reports the median of the per-round medians.
# Everything else goes to criterion, e.g.:
#
#   scripts/bench-ratios.sh --rounds 3 --warm-up-time 1 --measurement-time 3
#   scripts/bench-ratios.sh requests          # only the corpora whose name matches
#   scripts/bench-ratios.sh full_cycle        # only the full-cycle functions (no ratio then)
#
# ratio = httparse/heads_plus_framing time / this function's time: at or above 1 means faster
# than httparse + framing. For h1conn/full_cycle, "vs http-net" = http-net/full_cycle time /
# h1conn/full_cycle time (above 1: h1conn faster). "min..max" is the range of the per-round
# ratios.
set -euo pipefail
cd "$(dirname "$0")/.."

rounds=1
args=()
while [ $# -gt 0 ]; do
  case "$1" in
    --rounds) rounds="$2"; shift 2 ;;
    --rounds=*) rounds="${1#--rounds=}"; shift ;;
    -h|--help) sed -n '2,19p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) args+=("$1"); shift ;;
  esac
done
case "$rounds" in ''|*[!0-9]*|0) echo "--rounds needs a positive integer" >&2; exit 2 ;; esac

target_dir="$(cargo metadata --format-version 1 --no-deps | python3 -c 'import json,sys; print(json.load(sys.stdin)["target_directory"])')"
crit="$target_dir/criterion"
results="$(mktemp)"
marker="$(mktemp)"
trap 'rm -f "$results" "$marker"' EXIT

cargo bench --bench parse --no-run

for round in $(seq 1 "$rounds"); do
  echo "==> round $round of $rounds" >&2
  touch "$marker"
  sleep 1 # mtime granularity: results of this round are strictly newer than the marker
  cargo bench --bench parse -- --noplot "${args[@]+"${args[@]}"}" >&2
  # Collect this round's medians: group, function, median ns, bytes per iteration.
  find "$crit" -path '*/new/estimates.json' -newer "$marker" -print0 2>/dev/null |
    ROUND_NO="$round" python3 -c '
import json, os, sys
for path in sys.stdin.read().split("\0"):
    if not path:
        continue
    new = os.path.dirname(path)
    with open(os.path.join(new, "benchmark.json")) as f:
        bench = json.load(f)
    fid = bench.get("function_id") or ""
    if fid not in ("h1conn/parse_and_frame", "httparse/heads_plus_framing",
                   "h1conn/full_cycle", "http-net/full_cycle"):
        continue
    with open(path) as f:
        median = json.load(f)["median"]["point_estimate"]
    tp = bench.get("throughput") or {}
    nbytes = tp.get("Bytes") or tp.get("BytesDecimal") or 0
    print(os.environ["ROUND_NO"], bench["group_id"], fid, median, nbytes, sep="\t")
' >>"$results"
done

python3 - "$results" "$rounds" <<'EOF'
import statistics, sys
from collections import defaultdict

FUNCTIONS = ["h1conn/parse_and_frame", "httparse/heads_plus_framing", "h1conn/full_cycle", "http-net/full_cycle"]
BASE = "httparse/heads_plus_framing"
path, rounds = sys.argv[1], int(sys.argv[2])
by_round = defaultdict(dict)  # (group, function) -> {round: median ns}
nbytes = {}
for line in open(path):
    rnd, group, fid, median, n = line.rstrip("\n").split("\t")
    by_round[(group, fid)][int(rnd)] = float(median)
    nbytes[group] = int(n)

def fmt_time(ns):
    for unit, div in (("s", 1e9), ("ms", 1e6), ("µs", 1e3)):
        if ns >= div:
            return f"{ns / div:.3f} {unit}"
    return f"{ns:.1f} ns"

def fmt_rate(n, ns):
    return f"{n / ns * 1e9 / 2**20:,.0f} MiB/s" if n and ns else "-"

def med(group, fid):
    t = by_round.get((group, fid))
    return statistics.median(t.values()) if t else None

def ratio(group, num, den):
    """Median of num's times / median of den's times, and the range of the per-round ratios."""
    a, b = by_round.get((group, num), {}), by_round.get((group, den), {})
    per_round = [a[r] / b[r] for r in b if r in a]
    if not per_round:
        return "-", "-"
    return f"{med(group, num) / med(group, den):.2f}", f"{min(per_round):.2f}..{max(per_round):.2f}"

if not by_round:
    sys.exit("no results found (did the bench run?)")
print(f"\nmedian of {rounds} round(s) of criterion medians; ratio = httparse time / this time (>=1: faster than httparse + framing)\n")
head = ("corpus", "function", "bytes", "median", "thrpt", "ratio", "ratio min..max", "vs http-net", "rounds")
rows = []
for group in sorted(nbytes):
    for fid in FUNCTIONS:
        m = med(group, fid)
        if m is None:
            continue
        r, rng = ratio(group, BASE, fid) if fid != BASE else ("1.00", "-")
        vs = ratio(group, "http-net/full_cycle", fid)[0] if fid == "h1conn/full_cycle" else ""
        rows.append((group, fid, f"{nbytes[group]:,}", fmt_time(m), fmt_rate(nbytes[group], m), r, rng, vs,
                     str(len(by_round[(group, fid)]))))
widths = [max(len(str(r[i])) for r in rows + [head]) for i in range(len(head))]
for r in [head] + rows:
    print("  ".join(str(c).ljust(w) if i < 2 else str(c).rjust(w) for i, (c, w) in enumerate(zip(r, widths))))
EOF
