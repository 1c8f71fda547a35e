#!/usr/bin/env bash
# Shuts down the mysqld of tablet TABLET_UID (in cell CELL, default zone1) with `vtsim mysqlctl
# down`: it keeps its data, GTID state and server_uuid as a datadir does, until mysqlctl-up.sh
# starts it again; meanwhile it is unreachable (replicas retry, its vttablet stops serving).
# Does nothing for a tablet without a running mysqld. Fails when TABLET_UID is not set or no
# cluster is running. With VTSIM_PROCESSES=1 the mysqld lives in the tablet's own process and stops
# with it (vttablet-down.sh), so this does nothing more than say so.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../env.sh"

[[ -n "${TABLET_UID:-}" ]] || fail "TABLET_UID must be set"
cell="${CELL:-zone1}"
printf -v alias '%s-%010d' "${cell}" "${TABLET_UID}"
echo "Shutting down MySQL for tablet ${alias}..."
vtsim_processes && exit 0
vtsim mysqlctl down --cell="${cell}" --uid="${TABLET_UID}" || fail "MySQL for tablet ${alias} could not be stopped"
