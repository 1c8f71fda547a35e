#!/usr/bin/env bash
# Step 303: Reshard cust2cust splits customer/0 into customer/-80 and customer/80- (VReplication on
# the new shards' primaries), then waits for the copy phase to finish.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
cd "${VTSIM_SCRIPTS}"

vtctldclient Reshard --workflow cust2cust --target-keyspace customer create --source-shards '0' --target-shards '-80,80-' ||
  fail "Failed to create the cust2cust Reshard workflow"

wait_for_workflow_running customer cust2cust
