#!/usr/bin/env bash
# Stops the topology server, that is the whole vtsim cluster process (`vtsim down`): vtctld,
# vtgate and every tablet stop with it. Fails if the process does not exit within 10 seconds.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../env.sh"

echo "Stopping topo (the vtsim cluster process)..."
vtsim down >/dev/null
