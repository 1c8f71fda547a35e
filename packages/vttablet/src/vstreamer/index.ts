/** The tablet vstreamer: the tablet side of VStream (copy phase, binlog streaming, filters, journals). */
export { streamVEvents, HEARTBEAT_INTERVAL_MS } from './uvstreamer.js';
export { streamTableRows } from './vstream-rows.js';
export type { VStreamerEnv } from './vstreamer-env.js';
export { LocalVSchema, watchLocalVSchema, type ColumnVindex } from './local-vschema.js';
export { formatJournal, parseJournal } from './journal-text.js';
export { DEFAULT_PACKET_SIZE } from './packet-buffer.js';
