#!/usr/bin/env bash
# Step 203: switches the rdonly and replica reads of customer and corder to the customer keyspace.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
cd "${VTSIM_SCRIPTS}"

vtctldclient MoveTables --workflow commerce2customer --target-keyspace customer switchtraffic --tablet-types "rdonly,replica" ||
  fail "Failed to switch the rdonly and replica traffic of the commerce2customer workflow"
