#!/usr/bin/env bash
# Starts the topology server: vtsim's memory topology lives in the cluster process, so this starts
# that process (`vtsim up --detach --no-vtgate`, pid file in VTDATAROOT/tmp) unless it is already
# running, as etcd-up.sh starts etcd; the cell (CELL, default zone1) is the cluster's own.
# Fails when the web port (VTSIM_WEB_PORT, default 15000) answers for some other process, or when the cluster does not come up.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../env.sh"

cell="${CELL:-zone1}"
[[ "${cell}" == zone1 ]] || fail "vtsim's cluster has one cell, zone1 (CELL=${cell})"

pidfile="${VTDATAROOT}/tmp/vtsim.pid"
if [[ -s "${pidfile}" ]] && kill -0 "$(<"${pidfile}")" 2>/dev/null; then
  echo "The vtsim cluster process is already running (pid $(<"${pidfile}"))."
else
  if curl -s -o /dev/null "http://127.0.0.1:${vtctld_web_port}/debug/status"; then
    fail "port ${vtctld_web_port} already answers, but not for a cluster of VTDATAROOT=${VTDATAROOT} (another vtsim cluster?)"
  fi
  echo "Starting topo (the vtsim cluster process)..."
  vtsim up --detach --no-vtgate --port "${VTSIM_WEB_PORT}" --mysql-port "${VTSIM_MYSQL_PORT}" \
    --grpc-port "${VTSIM_GRPC_PORT}" --vtctld-grpc-port "${VTSIM_VTCTLD_GRPC_PORT}" >/dev/null || fail "the vtsim cluster process could not be started; see ${VTDATAROOT}/tmp/vtsim.log"
fi
echo "add ${cell} CellInfo"
echo "topo is running!"
