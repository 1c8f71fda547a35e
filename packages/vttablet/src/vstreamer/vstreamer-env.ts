/** What the vstreamer needs from the tablet it runs in. */
import type { Binlog, Clock } from '@vtsim/binlog';
import type { Mysqld } from '../mysqld/mysqld.js';
import type { LocalVSchema } from './local-vschema.js';

/** The tablet-side environment of every stream; plain data and narrow handles, shared by all streams. */
export interface VStreamerEnv {
  /** The server streamed from: its binlog, snapshots and schema. */
  readonly mysqld: Pick<Mysqld, 'snapshot' | 'tableNames' | 'tableMap' | 'gtidExecuted'> & { readonly binlog: Binlog };
  readonly keyspace: string;
  readonly shard: string;
  /** The keyspace's database (`vt_<keyspace>`). */
  readonly dbName: string;
  /** The sidecar database (`_vt`): its resharding_journal feeds JOURNAL events. */
  readonly sidecarDbName: string;
  /** Source of `current_time` and heartbeat timestamps. */
  readonly clock: Clock;
  /** The keyspace's VSchema as currently known (read whenever a plan is built). */
  readonly vschema: () => LocalVSchema;
  /** Bytes of row data per batch; default {@link DEFAULT_PACKET_SIZE}. */
  readonly packetSize?: number;
  /** Idle time after which a HEARTBEAT is sent, in ms (timed with setTimeout); default 900. */
  readonly heartbeatIntervalMs?: number;
}
