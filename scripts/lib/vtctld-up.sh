#!/usr/bin/env bash
# Starts vtctld. By default it runs inside the cluster process (topo-up.sh), so this waits until its
# web port (VTSIM_WEB_PORT, 15000) answers /debug/status, for up to 30 seconds, and fails if it
# does not; given vtctld's gRPC auth flags (--grpc_auth_mode static --grpc_auth_static_password_file
# F), it then restarts vtctld's gRPC service with them (`vtsim vtctld up`). With VTSIM_PROCESSES=1
# it starts vtctld as its own process on etcd, as Vitess's vtctld-up.sh does (`vtsim vtctld`, web
# port VTSIM_WEB_PORT, gRPC port VTSIM_VTCTLD_GRPC_PORT, the arguments passed on; pid in
# VTDATAROOT/tmp/vtctld.pid, output in VTDATAROOT/tmp/vtctld.out), and waits until it answers.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../env.sh"

echo "Starting vtctld..."
if vtsim_processes; then
  start_component vtctld "${VTDATAROOT}/tmp/vtctld.pid" "${VTDATAROOT}/tmp/vtctld.out" "http://127.0.0.1:${vtctld_web_port}/debug/status" \
    vtctld "${TOPOLOGY_FLAGS[@]}" --cell "${CELL:-zone1}" --service_map 'grpc-vtctl,grpc-vtctld' \
    --port "${vtctld_web_port}" --grpc_port "${VTSIM_VTCTLD_GRPC_PORT}" "$@" || fail "vtctld could not be started!"
  echo "vtctld is running!"
  exit 0
fi
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
