#!/usr/bin/env bash
# Installs the real peers the interop tests talk to (tests/interop_*.rs):
# curl, nginx and python3, from Debian packages, when they are missing.
# .ci/run calls it on a fresh machine; locally the tests skip a missing
# peer with a message instead.
set -euo pipefail

have() { command -v "$1" >/dev/null 2>&1 || [ -x "/usr/sbin/$1" ]; }

missing=()
have curl || missing+=(curl)
have nginx || missing+=(nginx-light)
have python3 || missing+=(python3)
if [ ${#missing[@]} -eq 0 ]; then
  echo "install-peers: curl, nginx and python3 are present"
  exit 0
fi

sudo=()
if [ "$(id -u)" -ne 0 ]; then
  sudo=(sudo)
fi
export DEBIAN_FRONTEND=noninteractive
echo "install-peers: installing ${missing[*]}"
"${sudo[@]}" apt-get update -qq
if ! "${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null; then
  # Some releases ship nginx only as `nginx`.
  missing=("${missing[@]/nginx-light/nginx}")
  "${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
for p in curl nginx python3; do
  have "$p" || { echo "install-peers: $p is still missing" >&2; exit 1; }
done
echo "install-peers: done"
