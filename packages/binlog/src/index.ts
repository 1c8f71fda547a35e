/** @vtsim/binlog: GTIDs, GTID sets and positions, binlog events, the per-server binlog, clocks, loggers and seeded randomness. */
export * from './binlog-event.js';
export * from './clock.js';
export * from './logger.js';
export * from './manual-clock.js';
export * from './random.js';
export * from './gtid-parse-error.js';
export * from './gtid.js';
export * from './gtid-set.js';
export * from './position.js';
export * from './binlog.js';
