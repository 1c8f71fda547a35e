#!/usr/bin/env bash
# Step 306: completes Reshard cust2cust unless that was already done (it deletes customer/0 from
# the topology), then stops customer/0's tablets 200-202 and their mysqlds.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
cd "${VTSIM_SCRIPTS}"

workflows="$(vtctldclient Workflow --keyspace customer list 2>/dev/null || true)"
if grep -qw cust2cust <<<"${workflows}"; then
  vtctldclient Reshard --workflow cust2cust --target-keyspace customer complete ||
    fail "Failed to complete the cust2cust workflow"
fi

for i in 200 201 202; do
  CELL=zone1 TABLET_UID="${i}" ./lib/vttablet-down.sh
  CELL=zone1 TABLET_UID="${i}" ./lib/mysqlctl-down.sh
done
