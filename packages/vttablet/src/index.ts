/**
 * @vtsim/vttablet: a simulated mysqld and the vttablet in front of it. vtgate and vtctld use only
 * the QueryService interface and the Tablet's lifecycle; the mysqld is exported for tests and
 * tooling that inspect a server directly.
 */
export type { ExecuteOptions, QueryService, RealtimeStats, ReservedState, StreamHealthResponse, TabletDialer } from './query-service.js';
export { Tablet, type TabletOptions } from './tablet.js';
export { DEFAULT_HEARTBEAT_INTERVAL_MS } from './heartbeat-writer.js';
export * from './grpc/index.js';
export type { TabletFullStatus, TabletManagerClient, TabletManagerDialer, TabletReplicationStatus } from './tablet-manager.js';
export { LocalMysqlNetwork, type MysqlNetwork } from './mysql-network.js';
export { LocalReplicationSource, type ReplicationSource, type SourceConnection } from './replication-source.js';
export { LatestValue } from './latest-value.js';
export { Replication, type ReplicationStatus } from './replication.js';
export { createSidecarDatabase } from './sidecar.js';
export { Mysqld, MysqlSession, type MysqldOptions, type MysqldSnapshot, type SessionOptions } from './mysqld/mysqld.js';
// --- tablet vstreamer (issue 3): the journal codec SwitchTraffic writes `_vt.resharding_journal.val` with ---
export { formatJournal, parseJournal } from './vstreamer/index.js';
// --- VReplication (issue 4): the `_vt.vreplication.source` codec (binlogdata.BinlogSource prototext) ---
export { formatBinlogSource, parseBinlogSource, OnDDLAction, CopyPhaseControl } from './vreplication/index.js';
// --- static gRPC auth (issue 8): servenv's `--grpc_auth_mode static`, shared by vtgate's and vtctld's servers ---
export { listenHttp, type HttpListener } from './servenv/http-listener.js';
export { StaticAuthPlugin, parseStaticAuthConfig, withGrpcAuth, type GrpcAuthFailure, type GrpcAuthFlags, type StaticAuthConfigEntry } from './servenv/grpc-server-auth-static.js';
export { loadGrpcServiceDefinitions, type GrpcMethodDefinition, type GrpcServiceDefinition, type ProtoConversionOptions } from './servenv/grpc-service-definitions.js';
// --- process semantics and durability (issue 9): mysqld stop/start, semi-sync, durability policies ---
export { DURABILITY_POLICIES, isDurabilityPolicy, canEstablishSemiSync, isPromotable, primaryUsesSemiSync, replicaSendsSemiSyncAcks } from './durability-policy.js';
export { DEFAULT_REPLICATION_CONNECT_RETRY_MS, type ReplicationIoState, type ReplicationOptions } from './replication.js';
export { SemiSyncSource, connHostError, connectionError, serverLostError } from './mysqld/mysqld.js';
// --- persistent mode (issue 10): a mysqld's datadir kept across a restart ---
export { MYSQLD_DATADIR_FORMAT, dumpMysqldDatadir, loadMysqldDatadir } from './mysqld/mysqld-datadir.js';
