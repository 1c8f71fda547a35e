#!/usr/bin/env bash
# Starts vtctld: it runs inside the cluster process (topo-up.sh), so this waits until its web port
# (15000) answers /debug/status, for up to 30 seconds, and fails if it does not.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../env.sh"

echo "Starting vtctld..."
for _ in $(seq 1 300); do
  curl -s -o /dev/null "http://127.0.0.1:${vtctld_web_port}/debug/status" && break
  sleep 0.1
done
curl -s -o /dev/null "http://127.0.0.1:${vtctld_web_port}/debug/status" ||
  fail "vtctld could not be started! (is the cluster process running? see scripts/lib/topo-up.sh)"
echo "vtctld is running!"
