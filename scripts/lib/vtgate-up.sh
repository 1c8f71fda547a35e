#!/usr/bin/env bash
# Starts vtgate in the running cluster (`vtsim vtgate up`): the MySQL protocol on 127.0.0.1:15306.
# Takes vtgate's auth flags as Vitess's vtgate does (--mysql_auth_server_static_file F,
# --mysql_auth_server_static_string JSON, --grpc_auth_mode static --grpc_auth_static_password_file F).
# Fails when no cluster is running, vtgate already runs or a flag is invalid. With VTSIM_PROCESSES=1
# it starts vtgate as its own process on etcd, with the flags of Vitess's vtgate-up.sh (`vtsim
# vtgate`: web port VTSIM_VTGATE_WEB_PORT, gRPC VTSIM_GRPC_PORT, MySQL VTSIM_MYSQL_PORT,
# --tablet_types_to_wait PRIMARY,REPLICA, --enable_buffer, the arguments passed on; pid in
# VTDATAROOT/tmp/vtgate.pid, output in VTDATAROOT/tmp/vtgate.out) and waits until its web port answers.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../env.sh"

echo "Starting vtgate..."
if vtsim_processes; then
  cell="${CELL:-zone1}"
  # Vitess's vtgate-up.sh runs without MySQL users; given auth flags, they decide.
  auth=(--mysql_auth_server_impl none)
  [[ $# -eq 0 ]] || auth=()
  start_component vtgate "${VTDATAROOT}/tmp/vtgate.pid" "${VTDATAROOT}/tmp/vtgate.out" "http://127.0.0.1:${VTSIM_VTGATE_WEB_PORT}/debug/status" \
    vtgate "${TOPOLOGY_FLAGS[@]}" --port "${VTSIM_VTGATE_WEB_PORT}" --grpc_port "${VTSIM_GRPC_PORT}" \
    --mysql_server_port "${VTSIM_MYSQL_PORT}" --cell "${cell}" --cells_to_watch "${cell}" \
    --tablet_types_to_wait PRIMARY,REPLICA --service_map grpc-vtgateservice --enable_buffer "${auth[@]}" "$@" ||
    fail "vtgate could not be started!"
else
  vtsim vtgate up "$@" >/dev/null || fail "vtgate could not be started!"
fi
echo "vtgate is up!"
