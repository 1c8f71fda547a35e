/**
 * @vtsim/topo: the topology service. A narrow key/value {@link Conn} (in-memory implementation
 * {@link MemoryConn}), the typed {@link TopoServer} on top of it, and key-range arithmetic.
 */
export type { Conn, LockDescriptor, Version, WatchData } from './conn.js';
export { TopoError, abortTopoError, isTopoError, type TopoErrorCode } from './errors.js';
export { MemoryConn, MemoryTopoStore } from './memory-conn.js';
export { WatchChannel } from './watch-channel.js';
export {
  bytesToHex,
  compareKeyRangeStarts,
  compareKeyspaceIds,
  evenShardsKeyRange,
  fullKeyRange,
  generateShardRanges,
  hexToBytes,
  isKeyRangeShardName,
  keyRangeContains,
  keyRangeEqual,
  keyRangeFromShardName,
  keyRangeIntersect,
  keyRangeIsComplete,
  keyRangeStartsBefore,
  keyRangeString,
  parseKeyRangeParts,
  parseShardingSpec,
} from './key-range.js';
export { decodeRecord, encodeRecord } from './record-codec.js';
export { SERVED_TYPES, buildSrvKeyspace, migrateServedTypeInSrvKeyspace, sortShardReferences, type ServingShard } from './srv-keyspace.js';
export {
  TopoServer,
  type KeyspaceInfo,
  type LockOptions,
  type ShardInfo,
  type TabletInfo,
  type TopoServerOptions,
  type Unlock,
} from './topo-server.js';
