/** @vtsim/proto: Vitess's wire types (query, topodata, vtrpc) and the value model built on them. */
export * from './query.js';
export * from './topodata.js';
export * from './vtrpc.js';
export * from './sqltypes.js';
export * from './float-text.js';
export * from './sql-error.js';
export * from './vschema.js';
export * from './vt-error.js';
export * from './query-wire.js';
export * from './binlogdata.js';
export * from './vtgate.js';
export * from './install-layout.js';
export * from './bind-variables.js';
