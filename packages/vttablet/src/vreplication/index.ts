/** VReplication (target side): the engine that runs `_vt.vreplication` streams on a primary, and its text codecs. */
export { formatBinlogSource, parseBinlogSource, OnDDLAction } from './binlog-source-text.js';
