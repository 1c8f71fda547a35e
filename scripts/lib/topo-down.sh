#!/usr/bin/env bash
# Stops the topology server: the vtsim cluster process (`vtsim down`; vtctld, vtgate and every
# tablet stop with it), then, with TOPO=etcd2, the etcd that topo-up.sh started (its pid in
# VTDATAROOT/tmp/etcd.pid), as etcd-down.sh does; with VTSIM_PROCESSES=1, etcd only. Fails if a
# process does not exit in time.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../env.sh"

# With VTSIM_PROCESSES=1 there is no cluster process: the components stopped one by one.
if ! vtsim_processes; then
  echo "Stopping topo (the vtsim cluster process)..."
  vtsim down >/dev/null
fi
if [[ "${TOPO:-memory}" == etcd2 ]]; then
  stop_process etcd "${VTDATAROOT}/tmp/etcd.pid"
  rm -f "${VTDATAROOT}/tmp/etcd.pid"
fi
