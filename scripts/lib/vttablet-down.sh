#!/usr/bin/env bash
# Stops the vttablet of tablet TABLET_UID (in cell CELL, default zone1) with `vtsim tablet down`;
# its topology record stays, as when a vttablet process exits, and its mysqld keeps its data, GTID
# position and replication for the next vttablet-up.sh. Fails when TABLET_UID is not set or the
# tablet is not running.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../env.sh"

[[ -n "${TABLET_UID:-}" ]] || fail "TABLET_UID must be set"
printf -v alias '%s-%010d' "${CELL:-zone1}" "${TABLET_UID}"
vtsim tablet down --cell "${CELL:-zone1}" --uid "${TABLET_UID}" || fail "vttablet for ${alias} could not be stopped"
