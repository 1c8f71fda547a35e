/** @vtsim/vtgate: SQL routing through the VSchema, the MySQL protocol server, the VStream manager and the gRPC service. */
export { Vtgate, VTGATE_SERVER_VERSION, type VtgateOptions } from './vtgate.js';
export { Executor, type ExecutorOptions } from './executor.js';
export { FAIL_DB_DDL_PLUGIN, parseDbDdl, type DbDdl, type DbDdlPlugin } from './db-ddl.js';
export { VSchemaAcl } from './vschema-acl.js';
export { Buffer, BufferedRequest, DEFAULT_BUFFER_CONFIG, type BufferConfig, type ShardBufferState } from './buffer/buffer.js';
export { isFailoverError } from './buffer/failover-error.js';
export { VtgateSession, parseTarget, type SessionTarget, type ShardSession } from './vtgate-session.js';
export { VtgateHandler } from './vtgate-handler.js';
export { HealthCheck, type TabletHealth } from './health-check.js';
export { TabletGateway, targetString, wrapTabletError, CALLER_ID } from './tablet-gateway.js';
export { Resolver, type ServingShard } from './resolver.js';
export { VSchema, tabletTypeSuffix, type KeyspaceModel, type TableModel, type ColumnVindexModel } from './vschema.js';
export { TopoWatcher, type TopoWatcherOptions } from './topo-watcher.js';
export { normalize, type NormalizedQuery } from './normalizer.js';
export { SqlLexer, Tok, firstKeyword } from '@vtsim/sql';
export * from './mysql-server/index.js';
export * from './grpc/index.js';
export * from './vstream/index.js';
