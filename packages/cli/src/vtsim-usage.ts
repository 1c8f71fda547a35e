/** The `vtsim` command's usage text, apart from the commands so that `vtsim --help` loads nothing else. */

/** vttestserver's flags, as `vtsim up` and `vttestserver` take them. */
const VTTESTSERVER_FLAGS_USAGE = `vttestserver's flags (also the 'vttestserver' command's; _ and - alike, -flag = --flag):
  --keyspaces a,b --num_shards 1,2   keyspaces and their shard counts (vttestserver: test_keyspace, 2)
  --replica_count 2 --rdonly_count 1 tablets per shard and cell (replicas include the primary;
                                     vttestserver reads 0 as these defaults, as vtcombo does)
  --cells c1,c2                      cells (vttestserver: test; vtsim up: zone1); primaries in the first
  --proto_topo TEXT                  a vttest.proto VTTestTopology instead of the flags above
  --schema_dir D [--default_schema_dir D2]
                                     D/<keyspace>/*.sql applied in name order, D/<keyspace>/vschema.json
  --mysql_bind_host H --vtcombo_bind_host H
                                     bind addresses (default 127.0.0.1; localhost means 127.0.0.1)
  --mysql_server_version V           what the handshake and select @@version report
  --vschema_ddl_authorized_users U   who may run ALTER VSCHEMA ('%' = everyone)
  --persistent_mode --data_dir D     keep the cluster in D across restarts
  --initialize_with_random_data [--rng_seed 123 --min_table_shard_size 1000
    --max_table_shard_size 10000 --null_probability 0.1]
  --transaction_mode MULTI --foreign_key_mode allow --enable_online_ddl --enable_direct_ddl
                                     the only values vtsim serves (others are refused)
  --tablet_hostname H                what the records of the tablets it starts advertise (default localhost)
  accepted and ignored, with a note: --extra_my_cnf --charset --planner_version
    --enable_system_settings --queryserver-config-transaction-timeout --tablet_refresh_interval
    --initialize_with_vt_dba_tcp --migration_check_interval --per_shard_sidecar
    --gateway_initial_tablet_timeout --alsologtostderr --logtostderr
  refused: --mysql_only --no_scatter --snapshot_file --external_topo_*`;

/** What `vttestserver --help` prints. */
export const VTTESTSERVER_USAGE = `usage: vttestserver [flags]

Runs a whole Vitess cluster in this process, as vttestserver does, until SIGINT/SIGTERM. Once it
serves, stdout holds one line: vttestserver's JSON config. Without --port, a random base port P;
web P, one gRPC port P+1 (vtgateservice.Vitess, vtctlservice.Vtctld and Vtctl), vtgate's MySQL P+3.
Also 'vtsim up' flags: --seed, --mysql-port, --grpc-port, --vtctld-grpc-port, auth flags
(vtsim --help).

${VTTESTSERVER_FLAGS_USAGE}`;

/** What `vtsim example --help` prints. */
export const EXAMPLE_USAGE = `usage: vtsim example [flags]   (npm run example -- [flags])

The guided tour: Vitess's local example, 101 to 306, in this process, with what happens at each
step, and a VStream client on customer/0 that follows the reshard to -80 and 80-. The live view of
the cluster is at http://127.0.0.1:15000/ meanwhile.

  --raw                VStream responses in the seed document's proto text form (Go's %v), each
                       with a note, instead of one short line each
  --pause              wait for Enter before each step (stdin must be a terminal)
  --copy-rate N        VReplication copies at most N rows per second per stream (the fault
                       copy-rate's throttle), so that the copies can be watched
  --step-delay MS      wait MS milliseconds before each step
  --port P             the live view's (vtctld's web) port (default 15000; a free one when busy)
  --mysql-port P       vtgate's MySQL port (default 15306; a free one when busy)

Colours on a terminal; NO_COLOR turns them off, FORCE_COLOR on.`;

/** What `vtsim --help` prints. */
export const VTSIM_USAGE = `usage: vtsim <command> [flags]

commands:
  up [--detach] [--no-vtgate] [--seed S] [--bind-address H] [--port P] [--mysql-port 15306] [--grpc-port 15991]
     [--vtctld-grpc-port 15999] [--vtgate-web-port 15001] [vttestserver's flags] [auth flags]
     [--heartbeat_enable [--heartbeat_interval 1s]] [--binlog-retention 20000|64MB|20000,64MB]
     [--chaos-seed S --chaos-every MS] [--log-level debug|info|warn|error] [--log-format text|json]
     [--topo-implementation etcd2 --topo-global-server-address 127.0.0.1:2379 --topo-global-root /vitess/global
      [--topo-etcd-lease-ttl 30] [--grpc_keepalive_time 10s --grpc_keepalive_timeout 10s]]
                           run the cluster process (memory topology, vtctld, vtgate; with the
                           topo flags, the topology in that etcd, each cell at its CellInfo's
                           server and root, a missing one added as /vitess/<cell>). Without
                           --port: the local example's ports (control/web 15000, MySQL 15306,
                           vtgate gRPC 15991, vtctld gRPC 15999). With --port P: vttestserver's
                           layout (web P, one gRPC port P+1 serving vtgate and vtctld, MySQL
                           P+3); --mysql-port, --grpc-port and --vtctld-grpc-port override it.
                           Every listener binds --bind-address (servenv's flag; --host, vtsim's
                           older name, is the same; default 127.0.0.1). Tablets of other
                           processes are dialed at their record's hostname, with gRPC keepalive
                           pings (Vitess's grpcclient flags); on etcd, each tablet it starts serves
                           gRPC on a free port in its record, with its binlog, for those processes.
                           The live cluster view is at http://HOST:<web>/; vtgate serves its
                           /debug/status and /debug/vars on --vtgate-web-port (15001 without
                           --port, as the local example's vtgate; none with --port unless given).
                           In the foreground it prints vttestserver's JSON config on stdout and
                           serves until SIGINT/SIGTERM; the heartbeat and retention flags apply
                           to every tablet it starts; with --chaos-seed, a random self-healing
                           fault every --chaos-every ms, the same ones for the same seed
  down [--port P]          stop the cluster process VTDATAROOT records (or the one on port P)
  tablet up   --keyspace K --shard S --uid N [--cell zone1] [--heartbeat_enable [--heartbeat_interval 1s]]
              [--binlog-retention 20000|64MB|20000,64MB]
                           start a tablet in the running cluster (on its kept mysqld, if any); with
                           --heartbeat_enable its primary writes _vt.heartbeat every interval;
                           --binlog-retention (set when its mysqld is created): its binlog keeps
                           the last N transactions and/or at most that many bytes (B, KB, MB, GB),
                           purging the oldest (default 20000,64MB; a limit left out does not
                           apply); a replica or VStream needing purged transactions gets MySQL's
                           error 1236
  tablet down --uid N [--cell zone1]
                           stop a tablet's vttablet; its mysqld keeps its data, GTID position and
                           replication, and 'tablet up' with the same uid restarts the tablet on it
  tablet delete --uid N [--cell zone1] [--allow-primary]
                           delete the tablet as DeleteTablets does (stopping it if running) and
                           forget its mysqld's data: the next 'tablet up' starts from an empty one
  mysqlctl up|down --uid N [--cell zone1]
                           start or stop a tablet's mysqld (mysqlctl start / shutdown): up creates
                           an empty one when the uid has none; down keeps its data, GTID state and
                           server_uuid, makes it unreachable (replicas retry every 10s) and its
                           vttablet stops serving until it is up again (down is a no-op when it
                           is not running)
  vtgate up [auth flags] | vtgate down
                           start or stop vtgate in the running cluster
  vtorc up [--vtorc-port 16000] [--instance-poll-time 1s …] | vtorc down
                           start or stop VTOrc in the running cluster (vtsim vtorc --help); it
                           replaces dead primaries and repairs replication ('vtsim up' does not
                           start it: run 'vtsim vtorc up' after it, as 101 does)
  vttablet --tablet-path zone1-0000000100 --keyspace K --shard S [--port P --grpc-port G]
           --topo-implementation etcd2 --topo-global-server-address A --topo-global-root R
                           run one tablet and its mysqld in this process, registered in etcd and
                           served over gRPC to a 'vtsim up --topo-implementation etcd2' cluster
                           (vtsim vttablet --help); replicas replicate from their shard's primary
                           in another tablet process
  vtctld up [--grpc_auth_mode static --grpc_auth_static_password_file F]
                           restart vtctld's gRPC service with other auth flags
  vtctld [--port 15000 --grpc_port 15999] | vtgate [--port 15001 --grpc_port 15991 --mysql_server_port 15306]
  | vtorc [--port 16000]   with --topo_implementation etcd2 --topo_global_server_address A --topo_global_root R
                           run that one component in this process on the etcd topology, reaching
                           'vtsim vttablet' processes over gRPC, until SIGINT/SIGTERM, with Vitess's
                           flags (vtsim vtctld|vtgate|vtorc --help)
  fault <verb> [flags] | fault list
                           inject a fault into the running cluster (kill-tablet, restart-tablet,
                           stall-shard, replication-delay, partition-tablet, drop-vstreams,
                           restart-vtgate, copy-rate, interrupt-copy, purge-binlogs, heal);
                           'vtsim fault --help' lists the verbs and their flags
  reshard --keyspace K --to -80,80- [--switch-traffic] [--complete]
  movetables --source S --target T [--tables a,b] [--switch-traffic] [--complete]
                           run a Reshard or MoveTables workflow in the running cluster: the new
                           shards' tablets, copy, catch-up, then optionally SwitchTraffic and
                           Complete, with its progress (vtsim reshard --help)
  status                   print the running cluster's components as JSON
  vstream [--keyspace K --shard S --gtid G | --vgtid JSON] [--filter T:SQL] [--format text|json|line]
          [--save-vgtid FILE] [--server 127.0.0.1:15991] …
                           stream change events from vtgate's VStream API (vtsim vstream --help)
  vtctldclient [--server localhost:15999] <Command> …
                           vtctld's client, with Vitess's commands and flags (vtsim vtctldclient --help)
  mysql [--table] [-e SQL] [-u USER -pPASSWORD] [-h H -P PORT] [database]
                           a minimal mysql client (batch mode) for machines without one; without
                           -P, the running cluster's vtgate
  example [--raw] [--pause] [--copy-rate N] [--step-delay MS] [--port 15000] [--mysql-port 15306]
                           the guided tour (npm run example; vtsim example --help)

${VTTESTSERVER_FLAGS_USAGE}
auth flags (Vitess's; off by default, as in vttestserver):
  --mysql_auth_server_static_file F | --mysql_auth_server_static_string JSON
  [--mysql_auth_static_reload_interval D]
                           vtgate's MySQL users: {"user": [{"Password": "...", "UserData": "..."}]}
  --grpc_auth_mode static --grpc_auth_static_password_file F
                           gRPC users (vtgate and vtctld): [{"Username": "...", "Password": "..."}]

Environment: VTDATAROOT (pid file, state file with the ports, log; default <repo>/vtdataroot): the
commands other than up find the running cluster there, or on --port P; KEYSPACE, SHARD, TABLET_UID
and CELL stand in for the tablet flags, as in the local example's scripts.`;
