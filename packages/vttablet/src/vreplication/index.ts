/** VReplication (target side): the engine that runs `_vt.vreplication` streams on a primary, and its text codecs. */
export { formatBinlogSource, parseBinlogSource, OnDDLAction } from './binlog-source-text.js';
export { formatLastPk, parseLastPk } from './lastpk-text.js';
export { VReplicationEngine, type VReplicationEngineOptions } from './engine.js';
export { DEFAULT_TABLET_TYPES, parseTabletTypes } from './tablet-picker.js';
export { CopyPhaseControl, type CopyPacer, type CopyTimers } from './copy-phase-control.js';
