/** vtgate's VStream API: the manager, and the pure pieces it is built from. */
export { VStreamManager, type VStreamManagerDeps } from './vstream-manager.js';
export type { VStreamShardPosition, VStreamStatus } from './vstream-status.js';
export { VStreamCounters } from './vstream-counters.js';
export { resolveVStreamParams, type ResolvedVStreamParams, type ResolveSource } from './resolve-params.js';
export { MergedVGtid, applyLastPK } from './merged-vgtid.js';
export { JournalEvent, journalParticipants } from './journal-event.js';
export { STOP_ON_RESHARD_DELAY_MS } from './shard-stream.js';
export { keyspaceHasBeenResharded, type ShardRecord } from './keyspace-resharded.js';
export { shouldRetry, MAX_CONSECUTIVE_FAILURES, type RetryDecision } from './retry-policy.js';
export { SkewAligner, MAX_SKEW_SECONDS } from './skew-aligner.js';
export { TabletPicker, AllTabletsIgnoredError, type PickRequest, type PickedTablet, type TabletPickerTiming } from './tablet-picker.js';
export { ResponseQueue, type WaitResult } from './response-queue.js';
export { shardGtidText, vgtidText } from './vstream-error.js';
