#!/usr/bin/env bash
# Starts VTOrc in the running cluster (`vtsim vtorc up`), with the local example's configuration
# (--instance-poll-time 1s, --recovery-poll-duration 1s, --allow-emergency-reparent true,
# --wait-replicas-timeout 30s) and its status pages on port VTSIM_VTORC_PORT (16000). Takes vtorc's flags, which
# override those. Fails when no cluster is running, VTOrc already runs, a flag is invalid or the
# port is taken. With VTSIM_PROCESSES=1 it starts VTOrc as its own process on etcd (`vtsim vtorc`,
# the same configuration, pages on VTSIM_VTORC_PORT, the arguments passed on; pid in
# VTDATAROOT/tmp/vtorc.pid, output in VTDATAROOT/tmp/vtorc.out), as Vitess's vtorc-up.sh does.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../env.sh"

echo "Starting vtorc..."
if vtsim_processes; then
  pidfile="${VTDATAROOT}/tmp/vtorc.pid"
  start_component vtorc "${pidfile}" "${VTDATAROOT}/tmp/vtorc.out" "http://127.0.0.1:${VTSIM_VTORC_PORT}/debug/status" \
    vtorc "${TOPOLOGY_FLAGS[@]}" --port "${VTSIM_VTORC_PORT}" "$@" || fail "vtorc could not be started!"
  echo "vtorc is running!"
  echo "  - UI: http://localhost:${VTSIM_VTORC_PORT}"
  echo "  - Logs: ${VTDATAROOT}/tmp/vtorc.out"
  echo "  - PID: $(<"${pidfile}")"
  exit 0
fi
vtsim vtorc up --vtorc-port "${VTSIM_VTORC_PORT}" "$@" || fail "vtorc could not be started!"
echo "  - Logs: ${VTDATAROOT}/tmp/vtsim.log"
