#!/usr/bin/env bash
# Load test of the HTTPS API on loopback with wrk (docs/performance.md, "Server"):
# a baseline (GET /api/v1/health, no session) and authenticated calls in the same run, on
# the same server: GET /api/v1/me (cookie -> session look-up -> permission check) and the
# audited review queue GET /api/v1/violations (an operator signed in with password and
# TOTP; a page of 50 rows read and one signed audit entry appended per request).
#   bench/server_load.sh BUILD_DIR [DURATION] [CONNECTIONS]
# The server is safelane-bench-server (bench/server_bench.cpp): the real server code
# over a fresh store, an auditor signed in over HTTPS, the per-address limit raised.
set -euo pipefail
build=$1 duration=${2:-15s} conns=${3:-16}
here=$(cd "$(dirname "$0")" && pwd)
fifo=$(mktemp -u) && mkfifo "$fifo"
exec 3<>"$fifo"; rm -f "$fifo"
"$build/bench/safelane-bench-server" <&3 3>&- >"$build/server_bench.out" 2>&1 &
server=$!
trap 'exec 3>&-; sleep 1; kill $server 2>/dev/null || true' EXIT
for _ in $(seq 100); do [ -s "$build/server_bench.out" ] && break; sleep 0.2; done
read -r url cookie operator <"$build/server_bench.out"
[ -n "${operator:-}" ] || { cat "$build/server_bench.out" >&2; exit 1; }
echo "machine: $(nproc) cores,$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2)"
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "== baseline: GET /api/v1/health (no session)"
wrk -t2 -c"$conns" -d"$duration" --latency "$url/api/v1/health"
echo "== authenticated: GET /api/v1/me (session cookie)"
SAFELANE_SESSION=$cookie wrk -t2 -c"$conns" -d"$duration" --latency \
  -s "$here/server_load.lua" "$url/api/v1/me"
echo "== authenticated and audited: GET /api/v1/violations?status=open&limit=50 (operator)"
SAFELANE_SESSION=$operator wrk -t2 -c"$conns" -d"$duration" --latency \
  -s "$here/server_load.lua" "$url/api/v1/violations?status=open&limit=50"
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
