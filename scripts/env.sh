# shellcheck shell=bash
# The local example's environment, for bash: `source scripts/env.sh` from any directory.
#
# Sets VTDATAROOT (default <repo>/vtdataroot, or ./vtdataroot when these scripts come from the
# installed vtsim package; a relative value is taken from the current directory), defines `vtsim`
# (the repository's built command, built first when dist/ is missing, or the package's), the
# `vtctldclient` alias (vtctld on localhost:15999) and the `mysql` alias (vtgate on
# 127.0.0.1:15306: the real mysql client when one is installed, vtsim's own otherwise), and the
# helpers of lib/utils.sh (fail, wait_for_healthy_shard, wait_for_workflow_running, ...).
# Fails with `ERROR: ...` when node is missing or the build fails.

VTSIM_SCRIPTS="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
VTSIM_ROOT="$(dirname "${VTSIM_SCRIPTS}")"
# The installed package (npm run package) holds its bundle in dist/; the repository builds
# packages/cli/dist/.
if [[ -f "${VTSIM_ROOT}/dist/main.js" ]]; then
  VTSIM_MAIN="${VTSIM_ROOT}/dist/main.js"
  VTDATAROOT="${VTDATAROOT:-${PWD}/vtdataroot}"
else
  VTSIM_MAIN="${VTSIM_ROOT}/packages/cli/dist/main.js"
  VTDATAROOT="${VTDATAROOT:-${VTSIM_ROOT}/vtdataroot}"
fi
[[ "${VTDATAROOT}" == /* ]] || VTDATAROOT="${PWD}/${VTDATAROOT}"
export VTDATAROOT

# The cluster's ports: the local example's by default, or these environment variables' (vtsim's
# names; Vitess's examples have none): VTSIM_WEB_PORT (vtctld's web port, the cluster's control
# endpoint), VTSIM_MYSQL_PORT (vtgate's MySQL port), VTSIM_GRPC_PORT (vtgate's gRPC port),
# VTSIM_VTCTLD_GRPC_PORT (vtctld's gRPC port) and VTSIM_VTGATE_WEB_PORT (vtgate's web port, its
# /debug/status and /debug/vars).
export VTSIM_WEB_PORT="${VTSIM_WEB_PORT:-15000}"
export VTSIM_MYSQL_PORT="${VTSIM_MYSQL_PORT:-15306}"
export VTSIM_GRPC_PORT="${VTSIM_GRPC_PORT:-15991}"
export VTSIM_VTCTLD_GRPC_PORT="${VTSIM_VTCTLD_GRPC_PORT:-15999}"
export VTSIM_VTGATE_WEB_PORT="${VTSIM_VTGATE_WEB_PORT:-15001}"
vtctld_web_port="${VTSIM_WEB_PORT}"
# With VTSIM_PROCESSES=1 (and TOPO=etcd2) every component runs as its own process, as in Vitess's
# local example: VTOrc's web port VTSIM_VTORC_PORT (16000), and each tablet's web and gRPC ports
# VTSIM_VTTABLET_PORT_BASE + uid and VTSIM_VTTABLET_GRPC_PORT_BASE + uid (15000 + uid, 16000 + uid).
export VTSIM_VTORC_PORT="${VTSIM_VTORC_PORT:-16000}"
export VTSIM_VTTABLET_PORT_BASE="${VTSIM_VTTABLET_PORT_BASE:-15000}"
export VTSIM_VTTABLET_GRPC_PORT_BASE="${VTSIM_VTTABLET_GRPC_PORT_BASE:-16000}"
# The etcd topology's client address (TOPO=etcd2), and the flags that name the topology, as Vitess's env.sh.
ETCD_SERVER="${ETCD_SERVER:-localhost:2379}"
TOPOLOGY_FLAGS=(--topo_implementation etcd2 --topo_global_server_address "${ETCD_SERVER}" --topo_global_root /vitess/global)

# Runs the vtsim command with the given arguments.
vtsim() {
  node "${VTSIM_MAIN}" "$@"
}

shopt -s expand_aliases
alias vtctldclient="vtsim vtctldclient --server localhost:${VTSIM_VTCTLD_GRPC_PORT}"
if ! type -P mysql >/dev/null; then
  alias mysql="vtsim mysql -h 127.0.0.1 -P ${VTSIM_MYSQL_PORT}"
elif command mysql --no-defaults --binary-as-hex=false --version >/dev/null 2>&1; then
  alias mysql="command mysql --no-defaults -h 127.0.0.1 -P ${VTSIM_MYSQL_PORT} --binary-as-hex=false"
else
  alias mysql="command mysql --no-defaults -h 127.0.0.1 -P ${VTSIM_MYSQL_PORT}"
fi

# After the aliases: the helpers use them, and an alias expands only in text read after it.
# shellcheck source=lib/utils.sh
source "${VTSIM_SCRIPTS}/lib/utils.sh"

type -P node >/dev/null || fail "node is not installed; vtsim needs Node.js 20 or later"
if [[ ! -f "${VTSIM_MAIN}" ]]; then
  vtsim_build_output="$(cd "${VTSIM_ROOT}" && npm run --silent build 2>&1)" ||
    fail "building vtsim (npm run build) failed:"$'\n'"${vtsim_build_output}"
  unset vtsim_build_output
fi
