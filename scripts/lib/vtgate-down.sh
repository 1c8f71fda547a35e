#!/usr/bin/env bash
# Stops vtgate in the running cluster (`vtsim vtgate down`); a no-op when vtgate is not running.
# Fails when no cluster is running. With VTSIM_PROCESSES=1 it stops the vtgate process (the pid in
# VTDATAROOT/tmp/vtgate.pid) and waits until it has exited.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../env.sh"

if vtsim_processes; then
  stop_process vtgate "${VTDATAROOT}/tmp/vtgate.pid"
  rm -f "${VTDATAROOT}/tmp/vtgate.pid"
  exit 0
fi
echo "Stopping vtgate..."
vtsim vtgate down || fail "vtgate could not be stopped"
