#!/usr/bin/env bash
# Step 201: tablets 200 (becomes primary), 201 (replica) and 202 (rdonly) for customer/0 (the
# customer keyspace is created as its first tablet registers), semi_sync durability, and a wait
# for a healthy shard. Fails loudly when the cluster of 101 is not running.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
cd "${VTSIM_SCRIPTS}"

for i in 200 201 202; do
  CELL=zone1 TABLET_UID="${i}" ./lib/mysqlctl-up.sh
  CELL=zone1 KEYSPACE=customer TABLET_UID="${i}" ./lib/vttablet-up.sh
done

vtctldclient SetKeyspaceDurabilityPolicy --durability-policy=semi_sync customer ||
  fail "Failed to set keyspace durability policy on the customer keyspace"

wait_for_healthy_shard customer 0 || exit 1
