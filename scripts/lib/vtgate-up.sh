#!/usr/bin/env bash
# Starts vtgate in the running cluster (`vtsim vtgate up`): the MySQL protocol on 127.0.0.1:15306.
# Fails when no cluster is running or vtgate already runs.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../env.sh"

echo "Starting vtgate..."
vtsim vtgate up >/dev/null || fail "vtgate could not be started!"
echo "vtgate is up!"
