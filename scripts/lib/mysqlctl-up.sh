#!/usr/bin/env bash
# Starts the mysqld of tablet TABLET_UID (in cell CELL, default zone1): vtsim creates a tablet's
# simulated mysqld together with the tablet (vttablet-up.sh), so this prints the local example's
# lines and starts nothing. Fails when TABLET_UID is not set.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../env.sh"

[[ -n "${TABLET_UID:-}" ]] || fail "TABLET_UID must be set"
printf -v alias '%s-%010d' "${CELL:-zone1}" "${TABLET_UID}"
echo "Starting MySQL for tablet ${alias}..."
echo "MySQL for tablet ${alias} is running!"
