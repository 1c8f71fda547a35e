/**
 * @vtsim/vtorc: Vitess's orchestrator. It polls every tablet, runs Vitess's replication analysis
 * per shard and repairs what it finds through vtctld's reparents and the tablet manager.
 */
export { Vtorc, RECENT_RECOVERIES, type VtorcOptions, type VtorcStatus } from './vtorc.js';
export { DEFAULT_VTORC_CONFIG, parseVtorcFlags, type VtorcConfig } from './config.js';
export { analyzeShard, isReplicaType, type AnalysisCode, type AnalysisOptions, type ReplicationAnalysis, type ShardSnapshot } from './analysis.js';
export { detectErrantGtids } from './errant-gtid.js';
export { instanceStatusOf, type Instance, type InstanceStatus } from './instance.js';
export { isClusterWideRecovery, recoveryFor, type ActionableRecoveryName, type RecoveryName, type TopologyRecovery } from './topology-recovery.js';
export { startVtorcHttpServer, type VtorcHttpServer } from './vtorc-http.js';
