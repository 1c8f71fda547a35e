#!/usr/bin/env bash
# Stops the vttablet of tablet TABLET_UID (in cell CELL, default zone1) with `vtsim tablet down`;
# its topology record stays, as when a vttablet process exits, and its mysqld keeps its data, GTID
# position and replication for the next vttablet-up.sh. Fails when TABLET_UID is not set or the
# tablet is not running. With VTSIM_PROCESSES=1 it stops the tablet's process (the pid in
# VTDATAROOT/vt_<uid, 10 digits>/vttablet.pid) and waits until it has exited; its record stays, and
# its mysqld, which lived in that process, is gone with its data.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../env.sh"

[[ -n "${TABLET_UID:-}" ]] || fail "TABLET_UID must be set"
printf -v alias '%s-%010d' "${CELL:-zone1}" "${TABLET_UID}"
if vtsim_processes; then
  printf -v tablet_dir 'vt_%010d' "${TABLET_UID}"
  pidfile="${VTDATAROOT}/${tablet_dir}/vttablet.pid"
  [[ -s "${pidfile}" ]] || fail "vttablet for ${alias} could not be stopped: it is not running (no ${pidfile})"
  stop_process "vttablet for ${alias}" "${pidfile}" >/dev/null
  rm -f "${pidfile}"
  exit 0
fi
vtsim tablet down --cell "${CELL:-zone1}" --uid "${TABLET_UID}" || fail "vttablet for ${alias} could not be stopped"
