#!/usr/bin/env bash
# Starts the topology server. By default (TOPO unset or memory) the topology lives in the vtsim
# cluster process, so this starts that process (`vtsim up --detach --no-vtgate`, pid file in
# VTDATAROOT/tmp) unless it is already running. With TOPO=etcd2 it first starts etcd as the local
# example's etcd-up.sh does (data in VTDATAROOT/etcd, pid in VTDATAROOT/tmp/etcd.pid; client address
# ETCD_SERVER, default localhost:2379; peer port ETCD_PEER_PORT, default 2380), then the cluster
# process on it (`--topo-implementation etcd2 --topo-global-server-address $ETCD_SERVER
# --topo-global-root /vitess/global`), which adds the cell's CellInfo (root /vitess/<cell>).
# The cell (CELL, default zone1) is the cluster's own. Fails when the web port (VTSIM_WEB_PORT,
# default 15000) answers for some other process, when etcd already runs at ETCD_SERVER, or when
# etcd or the cluster does not come up (etcd is stopped again then). With VTSIM_PROCESSES=1 (which
# needs TOPO=etcd2) it starts etcd only, as Vitess's etcd-up.sh: vtctld, vtgate, VTOrc and every
# tablet then run as processes of their own (vtctld-up.sh, …), each adding the cell's CellInfo
# to etcd when it is missing.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../env.sh"

cell="${CELL:-zone1}"
[[ "${cell}" == zone1 ]] || fail "vtsim's cluster has one cell, zone1 (CELL=${cell})"
topo="${TOPO:-memory}"
[[ "${topo}" == memory || "${topo}" == etcd2 ]] || fail "TOPO=${topo} is not supported: vtsim's topology is memory (the default) or etcd2"

processes=0
if vtsim_processes; then processes=1; fi

pidfile="${VTDATAROOT}/tmp/vtsim.pid"
if ((!processes)) && [[ -s "${pidfile}" ]] && kill -0 "$(<"${pidfile}")" 2>/dev/null; then
  echo "The vtsim cluster process is already running (pid $(<"${pidfile}"))."
else
  if ((!processes)) && curl -s -o /dev/null "http://127.0.0.1:${vtctld_web_port}/debug/status"; then
    fail "port ${vtctld_web_port} already answers, but not for a cluster of VTDATAROOT=${VTDATAROOT} (another vtsim cluster?)"
  fi
  topo_flags=()
  if [[ "${topo}" == etcd2 ]]; then
    etcd_server="${ETCD_SERVER}"
    etcd_host="${etcd_server%:*}"
    etcd_peer="http://${etcd_host}:${ETCD_PEER_PORT:-2380}"
    etcd_pidfile="${VTDATAROOT}/tmp/etcd.pid"
    type -P etcd >/dev/null || fail "etcd is not installed (apt-get install etcd-server)"
    if curl -s -o /dev/null "http://${etcd_server}"; then
      fail "etcd is already running. Exiting."
    fi
    echo "Starting etcd..."
    mkdir -p "${VTDATAROOT}/tmp" "${VTDATAROOT}/etcd"
    etcd --name vtsim --data-dir "${VTDATAROOT}/etcd/" \
      --listen-client-urls "http://${etcd_server}" --advertise-client-urls "http://${etcd_server}" \
      --listen-peer-urls "${etcd_peer}" --initial-advertise-peer-urls "${etcd_peer}" \
      --initial-cluster "vtsim=${etcd_peer}" >"${VTDATAROOT}/tmp/etcd.out" 2>&1 &
    echo "$!" >"${etcd_pidfile}"
    # etcd-up.sh sleeps 5 s; this waits until etcd reports itself healthy (up to 30 s).
    for _ in $(seq 1 300); do
      curl -s "http://${etcd_server}/health" | grep -q '"health":"true"' && break
      sleep 0.1
    done
    if ! curl -s "http://${etcd_server}/health" | grep -q '"health":"true"'; then
      stop_process etcd "${etcd_pidfile}" >/dev/null
      rm -f "${etcd_pidfile}"
      fail "etcd did not come up at ${etcd_server}; see ${VTDATAROOT}/tmp/etcd.out"
    fi
    topo_flags=("${TOPOLOGY_FLAGS[@]}")
  else
    echo "Starting topo (the vtsim cluster process)..."
  fi
  if ((!processes)) && ! vtsim up --detach --no-vtgate --port "${VTSIM_WEB_PORT}" --mysql-port "${VTSIM_MYSQL_PORT}" \
    --grpc-port "${VTSIM_GRPC_PORT}" --vtctld-grpc-port "${VTSIM_VTCTLD_GRPC_PORT}" --vtgate-web-port "${VTSIM_VTGATE_WEB_PORT}" \
    "${topo_flags[@]}" >/dev/null; then
    if [[ "${topo}" == etcd2 ]]; then
      stop_process etcd "${etcd_pidfile}" >/dev/null
      rm -f "${etcd_pidfile}"
    fi
    fail "the vtsim cluster process could not be started; see ${VTDATAROOT}/tmp/vtsim.log"
  fi
fi
echo "add ${cell} CellInfo"
if [[ "${topo}" == etcd2 ]]; then
  echo "etcd is running!"
else
  echo "topo is running!"
fi
