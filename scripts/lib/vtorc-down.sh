#!/usr/bin/env bash
# Stops VTOrc in the running cluster (`vtsim vtorc down`); a no-op when VTOrc is not running.
# Fails when no cluster is running. With VTSIM_PROCESSES=1 it stops the VTOrc process (the pid in
# VTDATAROOT/tmp/vtorc.pid) and waits until it has exited.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../env.sh"

echo "Stopping vtorc."
if vtsim_processes; then
  stop_process vtorc "${VTDATAROOT}/tmp/vtorc.pid" >/dev/null
  rm -f "${VTDATAROOT}/tmp/vtorc.pid"
  exit 0
fi
vtsim vtorc down || fail "vtorc could not be stopped"
