#!/usr/bin/env bash
# Shuts down the mysqld of tablet TABLET_UID (in cell CELL, default zone1): vtsim keeps a tablet's
# simulated mysqld, with its data, until the tablet is deleted (`vtsim tablet delete`,
# DeleteTablets) or the cluster stops, so this prints the local example's line and stops nothing.
# Fails when TABLET_UID is not set.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../env.sh"

[[ -n "${TABLET_UID:-}" ]] || fail "TABLET_UID must be set"
printf -v alias '%s-%010d' "${CELL:-zone1}" "${TABLET_UID}"
echo "Shutting down MySQL for tablet ${alias}..."
