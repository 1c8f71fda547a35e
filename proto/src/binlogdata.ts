/**
 * Types of Vitess's `binlogdata` proto package used by VStream, with the proto's own (snake_case)
 * field names so objects go on the wire unchanged through @grpc/proto-loader with
 * `keepCase: true`. 64-bit integers that can exceed 2^53 (`current_time`, journal ids) are
 * decimal strings.
 */
import type { Field, QueryResultWire, RowWire } from './query-wire.js';
import type { KeyRange, TabletType } from './topodata.js';
import type { CallerID } from './vtrpc.js';

/** binlogdata.VEventType. */
export enum VEventType {
  UNKNOWN = 0,
  GTID = 1,
  BEGIN = 2,
  COMMIT = 3,
  ROLLBACK = 4,
  DDL = 5,
  INSERT = 6,
  REPLACE = 7,
  UPDATE = 8,
  DELETE = 9,
  SET = 10,
  OTHER = 11,
  ROW = 12,
  FIELD = 13,
  HEARTBEAT = 14,
  VGTID = 15,
  JOURNAL = 16,
  VERSION = 17,
  LASTPK = 18,
  SAVEPOINT = 19,
  COPY_COMPLETED = 20,
}

/** binlogdata.TableLastPK: how far the copy of one table got (`lastpk` holds one row of PK values). */
export interface TableLastPK {
  table_name: string;
  lastpk: QueryResultWire | null;
}

/** binlogdata.ShardGtid: one shard's position in a VGtid; gtid `""` = copy, `"current"` = now. */
export interface ShardGtid {
  keyspace: string;
  shard: string;
  gtid: string;
  table_p_ks: TableLastPK[];
}

/** binlogdata.VGtid: the positions of every shard of a stream. */
export interface VGtid {
  shard_gtids: ShardGtid[];
}

/** binlogdata.RowChange.Bitmap. */
export interface Bitmap {
  count: number;
  cols: Uint8Array;
}

/** binlogdata.RowChange: only `after` is an insert, only `before` a delete, both an update. */
export interface RowChange {
  before: RowWire | null;
  after: RowWire | null;
  data_columns?: Bitmap | null;
  json_partial_values?: Bitmap | null;
}

/** binlogdata.RowEvent. */
export interface RowEvent {
  table_name: string;
  row_changes: RowChange[];
  keyspace: string;
  shard: string;
  flags: number;
  is_internal_table: boolean;
}

/** binlogdata.FieldEvent. */
export interface FieldEvent {
  table_name: string;
  fields: Field[];
  keyspace: string;
  shard: string;
  enum_set_string_values: boolean;
  is_internal_table: boolean;
}

/** binlogdata.MigrationType. */
export enum MigrationType {
  TABLES = 0,
  SHARDS = 1,
}

/** binlogdata.KeyspaceShard. */
export interface KeyspaceShard {
  keyspace: string;
  shard: string;
}

/** binlogdata.Journal: the record a SwitchTraffic writes on every source primary. */
export interface Journal {
  id: string;
  migration_type: MigrationType;
  tables: string[];
  local_position: string;
  shard_gtids: ShardGtid[];
  participants: KeyspaceShard[];
  source_workflows: string[];
}

/** binlogdata.LastPKEvent (tablet → vtgate only). */
export interface LastPKEvent {
  table_last_p_k: TableLastPK | null;
  completed: boolean;
}

/** binlogdata.VEvent: one event of a VStream. Unset fields are omitted or empty. */
export interface VEvent {
  type: VEventType;
  /** Binlog timestamp in seconds (0 in the copy phase). */
  timestamp?: number;
  /** Full position after this transaction, `MySQL56/<set>` (GTID events, tablet → vtgate only). */
  gtid?: string;
  /** DDL text (DDL events). */
  statement?: string;
  row_event?: RowEvent | null;
  field_event?: FieldEvent | null;
  vgtid?: VGtid | null;
  journal?: Journal | null;
  dml?: string;
  /** Nanoseconds since the epoch when sent, as a decimal string. */
  current_time?: string;
  last_p_k_event?: LastPKEvent | null;
  keyspace?: string;
  shard?: string;
  throttled?: boolean;
  throttled_reason?: string;
}

/** binlogdata.Filter.FieldEventMode. */
export enum FieldEventMode {
  ERR_ON_MISMATCH = 0,
  BEST_EFFORT = 1,
}

/** binlogdata.Rule: the first rule whose `match` (a table name or `/regex`) fits a table applies. */
export interface Rule {
  match: string;
  /** `""`, a key range (`-80`), `select … from t [where …]`, or `exclude`. */
  filter: string;
}

/** binlogdata.Filter. */
export interface Filter {
  rules: Rule[];
  field_event_mode?: FieldEventMode;
  workflow_type?: number;
  workflow_name?: string;
}

/** binlogdata.VStreamOptions (vtgate → tablet). */
export interface VStreamOptions {
  internal_tables: string[];
  config_overrides: Record<string, string>;
  tables_to_copy: string[];
}

/** binlogdata.VStreamRequest: what vtgate asks of one tablet. */
export interface TabletVStreamRequest {
  target: import('./query.js').Target;
  /** `""` (copy), `"current"`, or `MySQL56/<set>`. */
  position: string;
  filter: Filter;
  table_last_p_ks: TableLastPK[];
  options?: VStreamOptions;
}

/** binlogdata.VStreamRowsRequest: a table's rows from a consistent snapshot (the fields vtsim reads). */
export interface VStreamRowsRequest {
  target: import('./query.js').Target;
  /** `select <columns> from <table> [where in_keyrange(…)]`, as a VStream filter rule's. */
  query: string;
  /** Resume after this primary key (one row of the PK fields), or null to read from the start. */
  lastpk: QueryResultWire | null;
}

/**
 * binlogdata.VStreamRowsResponse: the first one carries the fields, the primary-key fields and the
 * snapshot's GTID position (no rows); each later one a packet of rows and the last primary key read.
 */
export interface VStreamRowsResponse {
  fields: Field[];
  pkfields: Field[];
  /** `MySQL56/<set>`: the position the rows are consistent with. */
  gtid: string;
  rows: RowWire[];
  lastpk: RowWire | null;
}

/** binlogdata.BinlogSource: where a VReplication stream reads from (stored in `_vt.vreplication.source`). */
export interface BinlogSource {
  keyspace: string;
  shard: string;
  tablet_type: TabletType;
  key_range: KeyRange | null;
  tables: string[];
  filter: Filter | null;
  on_ddl: number;
  stop_after_copy: boolean;
}

export type { CallerID };
