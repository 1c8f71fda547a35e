/** The `vtsim` command's usage text, apart from the commands so that `vtsim --help` loads nothing else. */

/** What `vtsim --help` prints. */
export const VTSIM_USAGE = `usage: vtsim <command> [flags]

commands:
  up [--detach] [--no-vtgate] [--seed S] [--host H] [--port 15000] [--mysql-port 15306] [--grpc-port 15991]
     [--vtctld-grpc-port 15999]
     [--keyspaces a,b --num-shards 1,2 --replica-count 2 --rdonly-count 1 --schema-dir DIR]
     [auth flags]
     [--heartbeat_enable [--heartbeat_interval 1s]] [--binlog-retention 20000|64MB|20000,64MB]
     [--chaos-seed S --chaos-every MS]
                           run the cluster process (memory topology, vtctld control, vtgate),
                           optionally creating keyspaces as vttestserver does (DIR/<keyspace>/
                           holds *.sql files and vschema.json); the heartbeat and retention
                           flags apply to every tablet it starts; with --chaos-seed, a random
                           self-healing fault every --chaos-every ms, the same ones for the same
                           seed
  down                     stop the cluster process started with 'up --detach'
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
  vtctld up [--grpc_auth_mode static --grpc_auth_static_password_file F]
                           restart vtctld's gRPC service with other auth flags
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
  vstream [--keyspace K --shard S --gtid G | --vgtid JSON] [--filter T:SQL] [--format text|json]
          [--save-vgtid FILE] [--server 127.0.0.1:15991] …
                           stream change events from vtgate's VStream API (vtsim vstream --help)
  vtctldclient [--server localhost:15999] <Command> …
                           vtctld's client, with Vitess's commands and flags (vtsim vtctldclient --help)
  mysql [--table] [-e SQL] [-u USER -pPASSWORD] [database]
                           a minimal mysql client (batch mode) for machines without one
  example                  the guided tour (npm run example)

auth flags (Vitess's; off by default, as in vttestserver):
  --mysql_auth_server_static_file F | --mysql_auth_server_static_string JSON
  [--mysql_auth_static_reload_interval D]
                           vtgate's MySQL users: {"user": [{"Password": "...", "UserData": "..."}]}
  --grpc_auth_mode static --grpc_auth_static_password_file F
                           gRPC users (vtgate and vtctld): [{"Username": "...", "Password": "..."}]

Environment: VTDATAROOT (pid file and log; default <repo>/vtdataroot); KEYSPACE, SHARD, TABLET_UID
and CELL stand in for the tablet flags, as in the local example's scripts.`;
