#!/usr/bin/env bash
# Starts tablet TABLET_UID of KEYSPACE (default test_keyspace) / SHARD (default 0) in cell CELL
# (default zone1) in the running cluster (`vtsim tablet up`): uids ending in 0 or 1 start as
# REPLICA, others as RDONLY, and the first REPLICA of a shard without a primary becomes its
# primary. A tablet stopped with vttablet-down.sh restarts on its mysqld with its data: a primary
# the shard still names comes back PRIMARY, a replica resumes replication from its own position.
# Returns once the tablet serves; fails when TABLET_UID is not set, no cluster is running, or the
# tablet is already running. Extra arguments are vttablet flags passed on to
# `vtsim tablet up`: --heartbeat_enable and --heartbeat_interval (a Go duration, default 1s).
# Example: CELL=zone1 KEYSPACE=customer SHARD=-40 TABLET_UID=500 scripts/lib/vttablet-up.sh
#          TABLET_UID=100 KEYSPACE=commerce scripts/lib/vttablet-up.sh --heartbeat_enable --heartbeat_interval=250ms
# With VTSIM_PROCESSES=1 it starts the tablet and its mysqld as their own process on etcd, with the
# flags of Vitess's vttablet-up.sh (`vtsim vttablet --tablet-path ALIAS --init_keyspace …
# --init_tablet_type replica|rdonly`, web port VTSIM_VTTABLET_PORT_BASE + uid, gRPC port
# VTSIM_VTTABLET_GRPC_PORT_BASE + uid, the arguments passed on; pid in
# VTDATAROOT/vt_<uid, 10 digits>/vttablet.pid, output in vttablet.out beside it) and waits until its
# web port answers, which it does once the tablet serves.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../env.sh"

[[ -n "${TABLET_UID:-}" ]] || fail "TABLET_UID must be set"
cell="${CELL:-zone1}"
keyspace="${KEYSPACE:-test_keyspace}"
shard="${SHARD:-0}"
printf -v alias '%s-%010d' "${cell}" "${TABLET_UID}"

echo "Starting vttablet for ${alias}..."
if vtsim_processes; then
  printf -v tablet_dir 'vt_%010d' "${TABLET_UID}"
  port=$((VTSIM_VTTABLET_PORT_BASE + TABLET_UID))
  grpc_port=$((VTSIM_VTTABLET_GRPC_PORT_BASE + TABLET_UID))
  tablet_type=replica
  ((TABLET_UID % 10 <= 1)) || tablet_type=rdonly
  start_component "vttablet for ${alias}" "${VTDATAROOT}/${tablet_dir}/vttablet.pid" "${VTDATAROOT}/${tablet_dir}/vttablet.out" \
    "http://127.0.0.1:${port}/debug/status" vttablet "${TOPOLOGY_FLAGS[@]}" --tablet-path "${alias}" --tablet_hostname 127.0.0.1 \
    --init_keyspace "${keyspace}" --init_shard="${shard}" --init_tablet_type "${tablet_type}" \
    --port "${port}" --grpc_port "${grpc_port}" "$@" || fail "vttablet for ${alias} could not be started!"
  echo "vttablet for ${alias} is running!"
  exit 0
fi
vtsim tablet up --cell="${cell}" --keyspace="${keyspace}" --shard="${shard}" --uid="${TABLET_UID}" "$@" >/dev/null ||
  fail "vttablet for ${alias} could not be started!"
echo "vttablet for ${alias} is running!"
