#!/usr/bin/env bash
# Step 304: switches customer's rdonly and replica reads to the new shards -80 and 80-.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
cd "${VTSIM_SCRIPTS}"

vtctldclient Reshard --workflow cust2cust --target-keyspace customer switchtraffic --tablet-types "rdonly,replica" ||
  fail "Failed to switch the rdonly and replica traffic of the cust2cust workflow"
