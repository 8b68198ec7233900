#!/usr/bin/env bash
# Real sockets: our tokio hello-world server (examples/tokio_hello.rs) against a hyper 1.x
# hello-world server (examples/hyper_hello.rs), both on loopback under wrk, in two modes:
#
#   keep-alive  wrk -t2 -c64 -dDs                             one request per write
#   pipelined   wrk -t2 -c64 -dDs -s scripts/pipeline.lua     16 pipelined GET /plaintext per write
#
#   scripts/race-hyper.sh [--duration SECONDS] [--rounds N]
#
# Prints requests/s of both servers in both modes and the ratio h1conn / hyper (goal: at or
# above 1.00 in both modes). --duration defaults to 8 s, --rounds to 1 (with more rounds the
# servers alternate and the median is shown). Installs wrk with apt-get when missing, builds
# both servers with `--release --all-features`, starts each on a free loopback port and kills
# it on exit.
#
# The same application on both sides: every request answered 200 with `Hello, World!` (13
# bytes), Content-Type, Content-Length and a Date cached per second; no per-connection request
# limit; one tokio task per connection on the multi-threaded runtime.
set -euo pipefail
cd "$(dirname "$0")/.."

duration=8
rounds=1
while [ $# -gt 0 ]; do
  case "$1" in
    --duration) duration="$2"; shift 2 ;;
    --duration=*) duration="${1#--duration=}"; shift ;;
    --rounds) rounds="$2"; shift 2 ;;
    --rounds=*) rounds="${1#--rounds=}"; shift ;;
    -h|--help) sed -n '2,20p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "unknown argument $1" >&2; exit 2 ;;
  esac
done
for v in "$duration" "$rounds"; do
  case "$v" in ''|*[!0-9]*|0) echo "--duration and --rounds need positive integers" >&2; exit 2 ;; esac
done

if ! command -v wrk >/dev/null 2>&1; then
  echo "==> installing wrk" >&2
  apt-get update -qq >&2 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >&2
fi

cargo build --release --all-features --example tokio_hello --example hyper_hello >&2
target_dir="$(cargo metadata --format-version 1 --no-deps | python3 -c 'import json,sys; print(json.load(sys.stdin)["target_directory"])')"
bin="$target_dir/release/examples"

work="$(mktemp -d)"
pids=()
cleanup() {
  for pid in "${pids[@]+"${pids[@]}"}"; do
    kill "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  done
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

# start NAME: runs the server on a free port, waits until it accepts; sets $port.
start() {
  port="$(free_port)"
  "$bin/$1" --listen "127.0.0.1:$port" >"$work/$1.log" 2>&1 &
  pids+=("$!")
  for _ in $(seq 1 100); do
    if python3 -c 'import socket,sys; socket.create_connection(("127.0.0.1", int(sys.argv[1])), 0.2).close()' "$port" 2>/dev/null; then
      return 0
    fi
    sleep 0.05
  done
  echo "$1 did not start:" >&2
  cat "$work/$1.log" >&2
  exit 1
}

# rate URL [wrk args...]: requests/s, from wrk's Requests/sec line; errors go to stderr.
rate() {
  local url="$1"
  shift
  wrk -t2 -c64 -d"${duration}s" "$@" "$url" >"$work/wrk.out" 2>&1 || {
    cat "$work/wrk.out" >&2
    exit 1
  }
  if grep -q "Non-2xx\|Socket errors" "$work/wrk.out"; then
    grep "Non-2xx\|Socket errors" "$work/wrk.out" | sed 's/^/  wrk: /' >&2
  fi
  awk '/^Requests\/sec:/ { print $2 }' "$work/wrk.out"
}

results="$work/results"
for round in $(seq 1 "$rounds"); do
  for server in tokio_hello hyper_hello; do
    start "$server"
    url="http://127.0.0.1:$port/plaintext"
    echo "==> round $round: $server on port $port" >&2
    r="$(rate "$url")"
    echo "    keep-alive: $r req/s" >&2
    printf '%s\t%s\t%s\n' "$server" keep-alive "$r" >>"$results"
    r="$(rate "$url" -s scripts/pipeline.lua)"
    echo "    pipelined:  $r req/s" >&2
    printf '%s\t%s\t%s\n' "$server" pipelined "$r" >>"$results"
    kill "${pids[-1]}" 2>/dev/null || true
    wait "${pids[-1]}" 2>/dev/null || true
    unset 'pids[-1]'
  done
done

python3 - "$results" "$duration" "$rounds" <<'PY'
import statistics, sys
from collections import defaultdict

rates = defaultdict(list)
for line in open(sys.argv[1]):
    server, mode, r = line.split()
    rates[(server, mode)].append(float(r))
print(f"\nwrk -t2 -c64 -d{sys.argv[2]}s on loopback, median of {sys.argv[3]} round(s); "
      "pipelined = 16 requests per write (scripts/pipeline.lua)\n")
print("| mode | h1conn (tokio_hello) req/s | hyper req/s | ratio h1conn/hyper |")
print("|---|--:|--:|--:|")
for mode in ("keep-alive", "pipelined"):
    h = statistics.median(rates[("tokio_hello", mode)])
    y = statistics.median(rates[("hyper_hello", mode)])
    print(f"| {mode} | {h:,.0f} | {y:,.0f} | {h / y:.2f} |")
PY
