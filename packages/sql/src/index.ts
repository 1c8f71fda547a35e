/** @vtsim/sql: SQL parsing, column types, values and the expression engine shared by vttablet and vtgate. */
export * from './parse.js';
export * from './column-type.js';
export * from './field-metadata.js';
export * from './values.js';
export * from './expression.js';
export * from './aggregate.js';
