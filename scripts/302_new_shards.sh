#!/usr/bin/env bash
# Step 302: the new shards' tablets: 300-302 for customer/-80 and 400-402 for customer/80-, then
# a wait for both shards to be healthy. Reshard copies the schema to them.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
cd "${VTSIM_SCRIPTS}"

for i in 300 301 302; do
  CELL=zone1 TABLET_UID="${i}" ./lib/mysqlctl-up.sh
  SHARD=-80 CELL=zone1 KEYSPACE=customer TABLET_UID="${i}" ./lib/vttablet-up.sh
done
for i in 400 401 402; do
  CELL=zone1 TABLET_UID="${i}" ./lib/mysqlctl-up.sh
  SHARD=80- CELL=zone1 KEYSPACE=customer TABLET_UID="${i}" ./lib/vttablet-up.sh
done

for shard in "-80" "80-"; do
  wait_for_healthy_shard customer "${shard}" || exit 1
done
