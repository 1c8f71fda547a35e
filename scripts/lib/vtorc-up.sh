#!/usr/bin/env bash
# Starts VTOrc in the running cluster (`vtsim vtorc up`), with the local example's configuration
# (--instance-poll-time 1s, --recovery-poll-duration 1s, --allow-emergency-reparent true,
# --wait-replicas-timeout 30s) and its status pages on port 16000. Takes vtorc's flags, which
# override those. Fails when no cluster is running, VTOrc already runs, a flag is invalid or the
# port is taken.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../env.sh"

echo "Starting vtorc..."
vtsim vtorc up "$@" || fail "vtorc could not be started!"
echo "  - Logs: ${VTDATAROOT}/tmp/vtsim.log"
