#!/usr/bin/env bash
# Stops vtctld. By default it stops with the cluster process (topo-down.sh), so this only says so;
# with VTSIM_PROCESSES=1 it stops the vtctld process (SIGTERM to the pid in
# VTDATAROOT/tmp/vtctld.pid) and waits until it has exited.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../env.sh"

if vtsim_processes; then
  stop_process vtctld "${VTDATAROOT}/tmp/vtctld.pid"
  rm -f "${VTDATAROOT}/tmp/vtctld.pid"
  exit 0
fi
echo "Stopping vtctld..."
