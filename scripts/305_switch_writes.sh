#!/usr/bin/env bash
# Step 305: switches customer's primary traffic (writes) to the new shards: journals on the old
# shard, reverse workflows, the new shards serving.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
cd "${VTSIM_SCRIPTS}"

vtctldclient Reshard --workflow cust2cust --target-keyspace customer switchtraffic --tablet-types "primary" ||
  fail "Failed to switch the primary traffic of the cust2cust workflow"
