#!/usr/bin/env bash
# Stops the topology server: the vtsim cluster process (`vtsim down`; vtctld, vtgate and every
# tablet stop with it), then, with TOPO=etcd2, the etcd that topo-up.sh started (its pid in
# VTDATAROOT/tmp/etcd.pid), as etcd-down.sh does. Fails if a process does not exit in time.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../env.sh"

echo "Stopping topo (the vtsim cluster process)..."
vtsim down >/dev/null
if [[ "${TOPO:-memory}" == etcd2 ]]; then
  stop_process etcd "${VTDATAROOT}/tmp/etcd.pid"
  rm -f "${VTDATAROOT}/tmp/etcd.pid"
fi
