#!/usr/bin/env bash
# Stops VTOrc in the running cluster (`vtsim vtorc down`); a no-op when VTOrc is not running.
# Fails when no cluster is running.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../env.sh"

echo "Stopping vtorc."
vtsim vtorc down || fail "vtorc could not be stopped"
