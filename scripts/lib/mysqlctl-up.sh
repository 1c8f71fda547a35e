#!/usr/bin/env bash
# Starts the mysqld of tablet TABLET_UID (in cell CELL, default zone1) with `vtsim mysqlctl up`:
# a new, empty one when the tablet has none, or the one mysqlctl-down.sh stopped, on its data,
# GTID state and server_uuid (a vttablet running on it serves again). Fails when TABLET_UID is not
# set or no cluster is running. With VTSIM_PROCESSES=1 the mysqld runs inside the tablet's own
# process (vttablet-up.sh starts both), so this only creates the tablet's directory
# (VTDATAROOT/vt_<uid, 10 digits>), where that process keeps its pid file and output.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../env.sh"

[[ -n "${TABLET_UID:-}" ]] || fail "TABLET_UID must be set"
cell="${CELL:-zone1}"
printf -v alias '%s-%010d' "${cell}" "${TABLET_UID}"
echo "Starting MySQL for tablet ${alias}..."
if vtsim_processes; then
  printf -v tablet_dir 'vt_%010d' "${TABLET_UID}"
  mkdir -p "${VTDATAROOT}/${tablet_dir}"
  echo "MySQL for tablet ${alias} is running!"
  exit 0
fi
vtsim mysqlctl up --cell="${cell}" --uid="${TABLET_UID}" || fail "MySQL for tablet ${alias} could not be started"
echo "MySQL for tablet ${alias} is running!"
