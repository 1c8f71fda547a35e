#!/usr/bin/env bash
# Starts the mysqld of tablet TABLET_UID (in cell CELL, default zone1) with `vtsim mysqlctl up`:
# a new, empty one when the tablet has none, or the one mysqlctl-down.sh stopped, on its data,
# GTID state and server_uuid (a vttablet running on it serves again). Fails when TABLET_UID is not
# set or no cluster is running.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../env.sh"

[[ -n "${TABLET_UID:-}" ]] || fail "TABLET_UID must be set"
cell="${CELL:-zone1}"
printf -v alias '%s-%010d' "${cell}" "${TABLET_UID}"
echo "Starting MySQL for tablet ${alias}..."
vtsim mysqlctl up --cell="${cell}" --uid="${TABLET_UID}" || fail "MySQL for tablet ${alias} could not be started"
echo "MySQL for tablet ${alias} is running!"
