#!/usr/bin/env bash
# Step 101: the initial cluster. Starts the topology (the vtsim cluster process) and vtctld,
# creates the unsharded commerce keyspace (semi_sync durability, sidecar database _vt), starts
# its tablets 100 (becomes primary), 101 (replica) and 102 (rdonly), starts VTOrc (which replaces
# a dead primary from then on), waits for a healthy shard, applies the commerce schema and VSchema,
# and starts vtgate on 127.0.0.1:15306.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
cd "${VTSIM_SCRIPTS}"

SIDECAR_DB_NAME="${SIDECAR_DB_NAME:-_vt}"

CELL=zone1 ./lib/topo-up.sh
CELL=zone1 ./lib/vtctld-up.sh

if vtctldclient GetKeyspace commerce >/dev/null 2>&1; then
  vtctldclient SetKeyspaceDurabilityPolicy --durability-policy=semi_sync commerce ||
    fail "Failed to set keyspace durability policy on the commerce keyspace"
else
  vtctldclient CreateKeyspace --sidecar-db-name="${SIDECAR_DB_NAME}" --durability-policy=semi_sync commerce ||
    fail "Failed to create and configure the commerce keyspace"
fi

mysqlctl_pids=()
for i in 100 101 102; do
  CELL=zone1 TABLET_UID="${i}" ./lib/mysqlctl-up.sh &
  mysqlctl_pids+=("$!")
done
echo "Waiting for mysqlctls to start..."
for pid in "${mysqlctl_pids[@]}"; do
  wait "${pid}" || fail "Failed to start the mysqld of a commerce tablet"
done
echo "mysqlctls are running!"

for i in 100 101 102; do
  CELL=zone1 KEYSPACE=commerce TABLET_UID="${i}" ./lib/vttablet-up.sh
done

./lib/vtorc-up.sh

wait_for_healthy_shard commerce 0 || exit 1

vtctldclient ApplySchema --sql-file create_commerce_schema.sql commerce ||
  fail "Failed to apply schema for the commerce keyspace"
vtctldclient ApplyVSchema --vschema-file vschema_commerce_initial.json commerce ||
  fail "Failed to apply vschema for the commerce keyspace"

CELL=zone1 ./lib/vtgate-up.sh
