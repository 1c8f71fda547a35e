#!/usr/bin/env bash
# Step 401: tears the example down: VTOrc, vtgate, every running tablet and its mysqld, vtctld,
# then the cluster process itself (`vtsim down`), and empties VTDATAROOT. Fails (after cleaning) when
# something still answers on the cluster's ports afterwards. With VTSIM_PROCESSES=1 it stops each
# component's process the same way, the tablets being those with a pid file in VTDATAROOT/vt_*/, then etcd.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
cd "${VTSIM_SCRIPTS}"

processes=0
if vtsim_processes; then processes=1; fi
tablet_ports=()
if ((processes)) || curl -s -o /dev/null "http://127.0.0.1:${vtctld_web_port}/debug/status"; then
  ./lib/vtorc-down.sh
  ./lib/vtgate-down.sh
  aliases=()
  if ((processes)); then
    for pidfile in "${VTDATAROOT}"/vt_*/vttablet.pid; do
      [[ -e "${pidfile}" ]] || continue
      tablet_dir="$(basename "$(dirname "${pidfile}")")"
      uid=$((10#${tablet_dir#vt_}))
      aliases+=("zone1-${tablet_dir#vt_}")
      tablet_ports+=($((VTSIM_VTTABLET_PORT_BASE + uid)) $((VTSIM_VTTABLET_GRPC_PORT_BASE + uid)))
    done
  else
    cluster_status="$(vtsim status)" || fail "Failed to list the running tablets"
    mapfile -t aliases < <(sed -n 's/^ *"alias": "\([^"]*\)".*/\1/p' <<<"${cluster_status}")
  fi
  mysqlctl_pids=()
  for alias in "${aliases[@]}"; do
    uid=$((10#${alias##*-}))
    echo "Shutting down tablet ${alias}"
    CELL="${alias%-*}" TABLET_UID="${uid}" ./lib/vttablet-down.sh
    echo "Shutting down mysql ${alias}"
    CELL="${alias%-*}" TABLET_UID="${uid}" ./lib/mysqlctl-down.sh &
    mysqlctl_pids+=("$!")
  done
  echo "Waiting mysqlctl to stop..."
  for pid in "${mysqlctl_pids[@]}"; do wait "${pid}"; done
  echo "mysqlctls are stopped!"
  ./lib/vtctld-down.sh
fi
./lib/topo-down.sh

stale=""
for port in "${vtctld_web_port}" "${VTSIM_MYSQL_PORT}" "${VTSIM_GRPC_PORT}" "${VTSIM_VTCTLD_GRPC_PORT}" "${VTSIM_VTGATE_WEB_PORT}" \
  "${VTSIM_VTORC_PORT}" "${tablet_ports[@]}"; do
  if (exec 3<>"/dev/tcp/127.0.0.1/${port}") 2>/dev/null; then stale+=" ${port}"; fi
done

[[ "${VTDATAROOT}" != / ]] || fail "refusing to empty VTDATAROOT=/"
rm -rf -- "${VTDATAROOT:?}"/*

if [[ -n "${stale}" ]]; then
  fail "Stale processes detected! Something still listens on port(s)${stale}; it is recommended to stop it manually."
fi
echo "All good! It looks like every process has shut down"
