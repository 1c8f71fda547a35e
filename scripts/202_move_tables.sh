#!/usr/bin/env bash
# Step 202: MoveTables commerce2customer copies the customer and corder tables from commerce to
# customer (VReplication on customer/0's primary, routing rules keeping traffic on commerce), then
# waits for the copy phase to finish.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
cd "${VTSIM_SCRIPTS}"

vtctldclient MoveTables --workflow commerce2customer --target-keyspace customer create \
  --source-keyspace commerce --tables "customer,corder" ||
  fail "Failed to create the commerce2customer MoveTables workflow"

wait_for_workflow_running customer commerce2customer
