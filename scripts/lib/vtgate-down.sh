#!/usr/bin/env bash
# Stops vtgate in the running cluster (`vtsim vtgate down`); a no-op when vtgate is not running.
# Fails when no cluster is running.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../env.sh"

echo "Stopping vtgate..."
vtsim vtgate down || fail "vtgate could not be stopped"
