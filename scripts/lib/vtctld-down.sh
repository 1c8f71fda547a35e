#!/usr/bin/env bash
# Stops vtctld: it stops with the cluster process (topo-down.sh), so this only says so.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../env.sh"

echo "Stopping vtctld..."
