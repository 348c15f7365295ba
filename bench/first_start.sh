#!/bin/bash
# A newcomer's first start: a clean clone of REV (default HEAD) in a temporary directory, with empty
# uv and pip caches, `make run`, and the time until the tenant form is served on 127.0.0.1:PORT.
# Bounded: gives up after 300 s. The stack and the clone are removed afterwards.
#     bench/first_start.sh [REV] [PORT]
set -u
REV=${1:-HEAD}; PORT=${2:-3991}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
WORK=$(mktemp -d /tmp/first-start.XXXXXX)
git clone -q "$ROOT" "$WORK/repo" && cd "$WORK/repo" && git checkout -q "$REV" || exit 1
export UV_CACHE_DIR=$WORK/cache/uv PIP_CACHE_DIR=$WORK/cache/pip XDG_CACHE_HOME=$WORK/cache
export FRONTDESK_PORT=$PORT FRONTDESK_MOTO_PORT=$((PORT + 2000))
start=$(date +%s.%N)
setsid make run > "$WORK/run.log" 2>&1 &
result="not served within 300 s (see $WORK/run.log)"
for _ in $(seq 1 600); do
  if curl -sf "http://127.0.0.1:$PORT/" 2>/dev/null | grep -q "<form"; then
    result="form served after $(echo "$(date +%s.%N) - $start" | bc) s, venv $(du -sh .venv | cut -f1)"
    break
  fi
  sleep 0.5
done
echo "$REV: $result (load $(cut -d' ' -f1-3 /proc/loadavg))"
for pid in $(ss -ltnp | grep ":$PORT " | grep -o 'pid=[0-9]*' | cut -d= -f2); do kill "$pid"; done
sleep 1
case $result in form*) rm -rf "$WORK" ;; esac
