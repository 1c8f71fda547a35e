#!/usr/bin/env bash
# Starts vtgate in the running cluster (`vtsim vtgate up`): the MySQL protocol on 127.0.0.1:15306.
# Takes vtgate's auth flags as Vitess's vtgate does (--mysql_auth_server_static_file F,
# --mysql_auth_server_static_string JSON, --grpc_auth_mode static --grpc_auth_static_password_file F).
# Fails when no cluster is running, vtgate already runs or a flag is invalid.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../env.sh"

echo "Starting vtgate..."
vtsim vtgate up "$@" >/dev/null || fail "vtgate could not be started!"
echo "vtgate is up!"
