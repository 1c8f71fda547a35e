#!/usr/bin/env bash
# Starts vtctld: it runs inside the cluster process (topo-up.sh), so this waits until its web port
# (15000) answers /debug/status, for up to 30 seconds, and fails if it does not. Given vtctld's gRPC
# auth flags (--grpc_auth_mode static --grpc_auth_static_password_file F), it then restarts vtctld's
# gRPC service with them (`vtsim vtctld up`).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../env.sh"

echo "Starting vtctld..."
for _ in $(seq 1 300); do
  curl -s -o /dev/null "http://127.0.0.1:${vtctld_web_port}/debug/status" && break
  sleep 0.1
done
curl -s -o /dev/null "http://127.0.0.1:${vtctld_web_port}/debug/status" ||
  fail "vtctld could not be started! (is the cluster process running? see scripts/lib/topo-up.sh)"
if [[ $# -gt 0 ]]; then
  vtsim vtctld up "$@" >/dev/null || fail "vtctld could not be started with $*"
fi
echo "vtctld is running!"
