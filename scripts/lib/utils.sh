# shellcheck shell=bash
# The local example's shell helpers, as Vitess's examples/common/lib/utils.sh defines them: the
# waits that 101-306 run between steps, `fail` and `stop_process`. Sourced by env.sh, after the
# `vtctldclient` alias. The waits poll ten times a second (Vitess polls once a second) and keep
# Vitess's time limits and messages; each returns 0 when its condition holds, or fails the calling
# script (`ERROR: ...` on stderr, exit 1) when the time limit passes.

# Prints `ERROR: <message>` on stderr and exits 1.
fail() {
  echo "ERROR: ${1}" >&2
  exit 1
}

# Waits until KEYSPACE/SHARD has at least N tablets in the topology (180 s).
# Usage: wait_for_shard_tablets KEYSPACE SHARD N
wait_for_shard_tablets() {
  [[ -n "${1:-}" && -n "${2:-}" && -n "${3:-}" ]] ||
    fail "A keyspace, shard, and number of tablets must be specified when waiting for tablets to come up"
  local keyspace="${1}" shard="${2}" num_tablets="${3}" wait_secs=180 count
  local deadline=$((SECONDS + wait_secs))
  while :; do
    count="$(vtctldclient GetTablets --keyspace "${keyspace}" --shard "${shard}" 2>/dev/null | wc -l || true)"
    ((count >= num_tablets)) && return 0
    ((SECONDS < deadline)) || fail "Timed out after ${wait_secs} seconds waiting for tablets to come up in ${keyspace}/${shard}"
    sleep 0.1
  done
}

# Waits until KEYSPACE/SHARD has a primary: GetShard answers with a primary_alias that is not null (180 s).
# Usage: wait_for_healthy_shard_primary KEYSPACE SHARD
wait_for_healthy_shard_primary() {
  [[ -n "${1:-}" && -n "${2:-}" ]] ||
    fail "A keyspace and shard must be specified when waiting for the shard's primary to be healthy"
  local keyspace="${1}" shard="${2}" wait_secs=180 shard_record
  local deadline=$((SECONDS + wait_secs))
  while :; do
    if shard_record="$(vtctldclient GetShard "${keyspace}/${shard}" 2>/dev/null)" &&
      [[ "${shard_record}" == *'"primary_alias":'* && "${shard_record}" != *'"primary_alias": null'* ]]; then
      return 0
    fi
    ((SECONDS < deadline)) ||
      fail "Timed out after ${wait_secs} seconds waiting for a primary tablet to be elected and become healthy in ${keyspace}/${shard}"
    sleep 0.1
  done
}

# Waits until the primary of KEYSPACE/SHARD is writeable: GetFullStatus shows super_read_only false (30 s).
# Usage: wait_for_writeable_shard_primary KEYSPACE SHARD
wait_for_writeable_shard_primary() {
  [[ -n "${1:-}" && -n "${2:-}" ]] ||
    fail "A keyspace and shard must be specified when waiting for the shard's primary to be writeable"
  local keyspace="${1}" shard="${2}" wait_secs=30 primary
  primary="$(vtctldclient GetTablets --keyspace "${keyspace}" --shard "${shard}" 2>/dev/null | grep -w primary | awk '{ print $1 }' || true)"
  [[ -n "${primary}" ]] || fail "Cannot determine primary tablet for keyspace/shard ${keyspace}/${shard}"
  local deadline=$((SECONDS + wait_secs))
  while :; do
    vtctldclient GetFullStatus "${primary}" 2>/dev/null | grep super_read_only | grep -q false && return 0
    ((SECONDS < deadline)) ||
      fail "Timed out after ${wait_secs} seconds waiting for the primary tablet ${primary} in ${keyspace}/${shard} to become writeable"
    sleep 0.1
  done
}

# Waits until the VReplication engine of KEYSPACE/SHARD's primary is open, that is until
# `Workflow --keyspace KEYSPACE list` succeeds (90 s): Vitess offers no more direct check.
# Usage: wait_for_shard_vreplication_engine KEYSPACE SHARD
wait_for_shard_vreplication_engine() {
  [[ -n "${1:-}" && -n "${2:-}" ]] ||
    fail "A keyspace and shard must be specified when waiting for the shard primary tablet's VReplication engine to open"
  local keyspace="${1}" shard="${2}" wait_secs=90
  local deadline=$((SECONDS + wait_secs))
  while :; do
    vtctldclient Workflow --keyspace "${keyspace}" list &>/dev/null && return 0
    ((SECONDS < deadline)) ||
      fail "Timed out after ${wait_secs} seconds waiting for the primary tablet's VReplication engine to open in ${keyspace}/${shard}"
    sleep 0.1
  done
}

# Waits until KEYSPACE/SHARD has N tablets (default 3), a primary, a writeable primary and an
# open VReplication engine, in that order.
# Usage: wait_for_healthy_shard KEYSPACE SHARD [N]
wait_for_healthy_shard() {
  [[ -n "${1:-}" && -n "${2:-}" ]] ||
    fail "A keyspace and shard must be specified when waiting for tablets to come up"
  local keyspace="${1}" shard="${2}" num_tablets="${3:-3}"
  wait_for_shard_tablets "${keyspace}" "${shard}" "${num_tablets}"
  wait_for_healthy_shard_primary "${keyspace}" "${shard}"
  wait_for_writeable_shard_primary "${keyspace}" "${shard}"
  wait_for_shard_vreplication_engine "${keyspace}" "${shard}"
}

# Waits until workflow WORKFLOW in KEYSPACE has finished its copy phase: `Workflow show` reports
# "Copy phase completed" (90 s). Prints what it waits for, then when the copy phase completed.
# Usage: wait_for_workflow_running KEYSPACE WORKFLOW
wait_for_workflow_running() {
  [[ -n "${1:-}" && -n "${2:-}" ]] ||
    fail "A keyspace and workflow must be specified when waiting for a workflow to reach the running state"
  local keyspace="${1}" workflow="${2}" wait_secs=90 completed
  echo "Waiting for the ${workflow} workflow in the ${keyspace} keyspace to finish the copy phase..."
  local deadline=$((SECONDS + wait_secs))
  while :; do
    completed="$(vtctldclient Workflow --keyspace="${keyspace}" show --workflow="${workflow}" 2>/dev/null | grep -m 1 "Copy phase completed" || true)"
    if [[ -n "${completed}" ]]; then
      completed="${completed#*Copy phase completed}"
      completed="${completed%%\"*}"
      echo "The ${workflow} workflow in the ${keyspace} keyspace is now running. Copy phase completed${completed}."
      return 0
    fi
    ((SECONDS < deadline)) ||
      fail "Timed out after ${wait_secs} seconds waiting for the ${workflow} workflow in the ${keyspace} keyspace to reach the running state"
    sleep 0.1
  done
}

# Stops the process whose pid is in PIDFILE (SIGTERM) and waits for it to exit (90 s); prints
# `Stopping NAME...`, or says it skips NAME when PIDFILE does not exist.
# Usage: stop_process NAME PIDFILE
stop_process() {
  [[ -n "${1:-}" && -n "${2:-}" ]] || fail "A process name and a PID file must be specified when stopping a process"
  local name="${1}" pidfile="${2}" wait_secs=90 pid
  if [[ ! -e "${pidfile}" ]]; then
    echo "Skipping stopping ${name} because the specified PID file (${pidfile}) does not exist."
    return 0
  fi
  pid="$(<"${pidfile}")"
  echo "Stopping ${name}..."
  kill "${pid}" 2>/dev/null || return 0
  local deadline=$((SECONDS + wait_secs))
  while kill -0 "${pid}" 2>/dev/null; do
    ((SECONDS < deadline)) || fail "Timed out after ${wait_secs} seconds waiting for ${name} (pid ${pid}) to stop"
    sleep 0.1
  done
}

# Returns 0 when every component runs as its own process (VTSIM_PROCESSES=1), 1 when they run in
# the one cluster process (the default); fails unless the topology is etcd (TOPO=etcd2), the only
# one separate processes share.
# Usage: if vtsim_processes; then ...; fi
vtsim_processes() {
  [[ "${VTSIM_PROCESSES:-0}" == 1 ]] || return 1
  [[ "${TOPO:-memory}" == etcd2 ]] || fail "VTSIM_PROCESSES=1 needs TOPO=etcd2: separate processes share the topology in etcd"
}

# Starts `vtsim ARGS...` in the background as component NAME (VTSIM_PROCESSES=1): its output in
# LOGFILE, its pid in PIDFILE, and waits until URL answers (60 s). Returns 1 with the process's
# `ERROR: ...` line on stderr when it exits first, when it does not answer in time (it is stopped
# then), or when PIDFILE names a process that still runs.
# Usage: start_component NAME PIDFILE LOGFILE URL ARGS...
start_component() {
  local name="${1}" pidfile="${2}" logfile="${3}" url="${4}" pid error
  shift 4
  if [[ -s "${pidfile}" ]] && kill -0 "$(<"${pidfile}")" 2>/dev/null; then
    echo "ERROR: ${name} is already running (pid $(<"${pidfile}"))" >&2
    return 1
  fi
  mkdir -p "$(dirname "${pidfile}")" "$(dirname "${logfile}")"
  node "${VTSIM_MAIN}" "$@" </dev/null >"${logfile}" 2>&1 &
  pid=$!
  echo "${pid}" >"${pidfile}"
  for _ in $(seq 1 600); do
    curl -s -o /dev/null "${url}" && return 0
    kill -0 "${pid}" 2>/dev/null || break
    sleep 0.1
  done
  if kill -0 "${pid}" 2>/dev/null; then
    kill "${pid}"
    error="ERROR: ${name} did not answer on ${url} within 60 seconds and was stopped; see ${logfile}"
  else
    wait "${pid}" 2>/dev/null || true
    error="$(grep -m 1 '^ERROR: ' "${logfile}" || echo "ERROR: ${name} exited; see ${logfile}")"
  fi
  rm -f "${pidfile}"
  echo "${error}" >&2
  return 1
}
