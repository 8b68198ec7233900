#!/usr/bin/env bash
# Runs the `parse` bench (benches/parse.rs) and prints, per corpus, the median time of
# h1conn/parse_and_frame and httparse/heads_plus_framing, their ratio and h1conn's throughput.
#
#   scripts/bench-ratios.sh [--rounds N] [criterion args...]
#
# --rounds N runs the whole bench N times (every corpus, both functions, round after round, so
# the two functions see the same machine noise) and reports the median of the per-round medians.
# Everything else goes to criterion, e.g.:
#
#   scripts/bench-ratios.sh --rounds 3 --warm-up-time 1 --measurement-time 3
#   scripts/bench-ratios.sh requests          # only the corpora whose name matches
#
# ratio = httparse time / h1conn time: above 1 means h1conn is faster.
set -euo pipefail
cd "$(dirname "$0")/.."

rounds=1
args=()
while [ $# -gt 0 ]; do
  case "$1" in
    --rounds) rounds="$2"; shift 2 ;;
    --rounds=*) rounds="${1#--rounds=}"; shift ;;
    -h|--help) sed -n '2,14p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
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
    if not (fid.startswith("h1conn/") or fid.startswith("httparse/")):
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

path, rounds = sys.argv[1], int(sys.argv[2])
times = defaultdict(list)  # (group, side) -> [median ns per round]
nbytes = {}
by_round = defaultdict(dict)  # (group, side) -> {round: median ns}
for line in open(path):
    rnd, group, fid, median, n = line.rstrip("\n").split("\t")
    side = fid.split("/")[0]
    times[(group, side)].append(float(median))
    by_round[(group, side)][int(rnd)] = float(median)
    nbytes[group] = int(n)

def fmt_time(ns):
    for unit, div in (("s", 1e9), ("ms", 1e6), ("µs", 1e3)):
        if ns >= div:
            return f"{ns / div:.3f} {unit}"
    return f"{ns:.1f} ns"

def fmt_rate(n, ns):
    return f"{n / ns * 1e9 / 2**20:,.0f} MiB/s" if n and ns else "-"

if not times:
    sys.exit("no results found (did the bench run?)")
print(f"\nmedian of {rounds} round(s) of criterion medians; ratio = httparse / h1conn (>1: h1conn faster)\n")
head = ("corpus", "bytes", "h1conn", "httparse", "ratio", "ratio min..max", "h1conn thrpt", "httparse thrpt", "rounds")
rows = []
for group in sorted(nbytes):
    h = times.get((group, "h1conn"), [])
    p = times.get((group, "httparse"), [])
    hm = statistics.median(h) if h else None
    pm = statistics.median(p) if p else None
    hr, pr = by_round[(group, "h1conn")], by_round[(group, "httparse")]
    per_round = [pr[r] / hr[r] for r in hr if r in pr]
    rows.append((
        group,
        f"{nbytes[group]:,}",
        fmt_time(hm) if hm else "-",
        fmt_time(pm) if pm else "-",
        f"{pm / hm:.2f}" if hm and pm else "-",
        f"{min(per_round):.2f}..{max(per_round):.2f}" if per_round else "-",
        fmt_rate(nbytes[group], hm),
        fmt_rate(nbytes[group], pm),
        f"{len(h)}/{len(p)}",
    ))
widths = [max(len(str(r[i])) for r in rows + [head]) for i in range(len(head))]
for r in [head] + rows:
    print("  ".join(str(c).ljust(w) if i == 0 else str(c).rjust(w) for i, (c, w) in enumerate(zip(r, widths))))
EOF
