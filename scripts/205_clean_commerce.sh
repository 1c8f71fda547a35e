#!/usr/bin/env bash
# Step 205: completes MoveTables commerce2customer: drops customer and corder from commerce,
# removes the denied tables, the routing rules and both workflows.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
cd "${VTSIM_SCRIPTS}"

vtctldclient MoveTables --workflow commerce2customer --target-keyspace customer complete ||
  fail "Failed to complete the commerce2customer workflow"
