#!/usr/bin/env bash
# Step 204: switches the primary traffic (writes) of customer and corder to the customer keyspace;
# commerce's copies become denied tables and the commerce2customer_reverse workflow starts.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
cd "${VTSIM_SCRIPTS}"

vtctldclient MoveTables --workflow commerce2customer --target-keyspace customer switchtraffic --tablet-types primary ||
  fail "Failed to switch the primary traffic of the commerce2customer workflow"
