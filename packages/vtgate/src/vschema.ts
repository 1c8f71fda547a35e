/**
 * The routing model vtgate builds from the SrvVSchema (Vitess's vindexes.VSchema): keyspaces,
 * tables with their vindex instances, sequences, reference tables and routing rules. It is
 * immutable; the executor swaps in a new one on every SrvVSchema watch update.
 */
import { ER, SqlError, TabletType, sqlError, type KeyspaceVSchema, type SrvVSchema } from '@vtsim/proto';
import { createVindex, type Vindex } from '@vtsim/vindexes';

/** One keyspace as the router sees it. */
export interface KeyspaceModel {
  name: string;
  sharded: boolean;
  tables: Map<string, TableModel>;
  vindexes: Map<string, Vindex>;
  /** Tables of this keyspace are only reachable qualified or through routing rules. */
  requireExplicitRouting: boolean;
  /** Why the keyspace's VSchema could not be built (e.g. an unknown vindex type); queries to it fail with it. */
  error?: string;
}

/** A vindex bound to a table column. */
export interface ColumnVindexModel {
  /** The column (lower-cased, as column names are case-insensitive). */
  column: string;
  vindex: Vindex;
}

/** One table as the router sees it. */
export interface TableModel {
  name: string;
  keyspace: KeyspaceModel;
  type: 'normal' | 'sequence' | 'reference';
  /** Column vindexes in VSchema order; the first is the primary vindex. */
  columnVindexes: ColumnVindexModel[];
  /** The column filled from a sequence on insert: the sequence as named, its table, or the error resolving it. */
  autoIncrement?: { column: string; sequenceName: string; sequence?: TableModel; error?: string };
}

/** The router's model of every keyspace plus the routing rules; built once per SrvVSchema. */
export class VSchema {
  private readonly keyspaces = new Map<string, KeyspaceModel>();
  /** Table name → the table, for names that exist in exactly one keyspace (null when ambiguous). */
  private readonly uniqueTables = new Map<string, TableModel | null>();
  /** Routing rules by `from_table` (with its `@replica`/`@rdonly` suffix), to the target or the error. */
  private readonly rules = new Map<string, { table?: TableModel; error?: string }>();

  private constructor() {}

  /**
   * Builds the model. `servedKeyspaces` are keyspaces known from the serving graph: those the
   * SrvVSchema lacks are added as unsharded keyspaces without tables (a keyspace whose VSchema
   * was never applied). Never throws: per-keyspace and per-rule problems are recorded and raised
   * by the lookups that hit them.
   */
  static build(srv: SrvVSchema | null, servedKeyspaces: readonly string[] = []): VSchema {
    const vs = new VSchema();
    const keyspaces: Record<string, KeyspaceVSchema> = { ...(srv?.keyspaces ?? {}) };
    for (const name of servedKeyspaces) keyspaces[name] ??= { sharded: false, vindexes: {}, tables: {}, require_explicit_routing: false };
    for (const name of Object.keys(keyspaces).sort()) vs.keyspaces.set(name, buildKeyspace(name, keyspaces[name]!));
    for (const ks of vs.keyspaces.values()) {
      if (ks.requireExplicitRouting) continue;
      for (const [name, t] of ks.tables) vs.uniqueTables.set(name, vs.uniqueTables.has(name) ? null : t);
    }
    for (const ks of vs.keyspaces.values()) {
      for (const t of ks.tables.values()) if (t.autoIncrement) vs.resolveSequence(t);
    }
    for (const rule of srv?.routing_rules?.rules ?? []) {
      if (rule.to_tables.length === 0) {
        vs.rules.set(rule.from_table, { error: `table ${rule.from_table} has been disabled` });
        continue;
      }
      const to = rule.to_tables[0]!;
      const dot = to.indexOf('.');
      try {
        vs.rules.set(rule.from_table, { table: dot < 0 ? vs.findTable('', to) : vs.findTable(to.slice(0, dot), to.slice(dot + 1)) });
      } catch (err) {
        vs.rules.set(rule.from_table, { error: (err as Error).message });
      }
    }
    return vs;
  }

  /** The keyspace model, or undefined if the VSchema has no such keyspace. */
  keyspace(name: string): KeyspaceModel | undefined {
    return this.keyspaces.get(name);
  }

  /** Keyspace names, sorted. */
  keyspaceNames(): string[] {
    return [...this.keyspaces.keys()];
  }

  /**
   * Finds the table a query names, applying routing rules first as Vitess does: the rule key is
   * `[keyspace.]table` plus `@replica`/`@rdonly` for those tablet types (no fallback between
   * types). `keyspace` is the query's qualifier or the session's default keyspace ('' for none).
   * Throws SqlError: 1049 `Unknown database 'x'`, 1146 `table x not found`, 1105 for ambiguous or
   * disabled tables and keyspaces whose VSchema is broken.
   */
  findRoutedTable(keyspace: string, table: string, tabletType: TabletType): TableModel {
    if (this.rules.size > 0) {
      const key = (keyspace ? `${keyspace}.${table}` : table) + tabletTypeSuffix(tabletType);
      const rule = this.rules.get(key);
      if (rule) {
        if (rule.error) throw sqlError(ER.UNKNOWN_ERROR, rule.error);
        return rule.table!;
      }
    }
    return this.findTable(keyspace, table);
  }

  /** Finds a table without routing rules; same errors as {@link findRoutedTable}. Unsharded keyspaces accept tables absent from their VSchema. */
  findTable(keyspace: string, table: string): TableModel {
    if (keyspace === '') {
      const t = this.uniqueTables.get(table);
      if (t) return t;
      if (t === null) throw sqlError(ER.UNKNOWN_ERROR, `ambiguous table reference: ${table}`);
      if (this.keyspaces.size !== 1) throw tableNotFound(table);
      const only = this.keyspaces.values().next().value!;
      if (only.sharded) throw tableNotFound(table);
      return this.implicitTable(only, table);
    }
    const ks = this.keyspaces.get(keyspace);
    if (!ks) throw sqlError(ER.BAD_DB_ERROR, `Unknown database '${keyspace}'`);
    if (ks.error) throw sqlError(ER.UNKNOWN_ERROR, ks.error);
    const t = ks.tables.get(table);
    if (t) return t;
    if (ks.sharded) throw tableNotFound(table);
    return this.implicitTable(ks, table);
  }

  private implicitTable(ks: KeyspaceModel, table: string): TableModel {
    return { name: table, keyspace: ks, type: 'normal', columnVindexes: [] };
  }

  private resolveSequence(t: TableModel): void {
    const ai = t.autoIncrement!;
    const spec = ai.sequenceName;
    const dot = spec.indexOf('.');
    try {
      const seq = dot < 0 ? this.findTable('', spec) : this.findTable(spec.slice(0, dot), spec.slice(dot + 1));
      if (seq.type !== 'sequence') ai.error = `cannot resolve sequence ${spec}: table ${spec} is not a sequence`;
      else ai.sequence = seq;
    } catch (err) {
      ai.error = `cannot resolve sequence ${spec}: ${(err as Error).message}`;
    }
  }
}

/**
 * Checks a keyspace VSchema as vtgate builds it (Vitess's vindexes.BuildKeyspace): every vindex
 * type is known, every column vindex names a vindex of the keyspace, every table of a sharded
 * keyspace (but sequences and reference tables) has a primary vindex. Throws an Error with the
 * first problem (`missing primary col vindex for table: t`, …).
 */
export function checkKeyspaceVSchema(name: string, def: KeyspaceVSchema): void {
  fillKeyspace(emptyKeyspace(name, def), def);
}

function emptyKeyspace(name: string, def: KeyspaceVSchema): KeyspaceModel {
  return { name, sharded: !!def.sharded, tables: new Map(), vindexes: new Map(), requireExplicitRouting: !!def.require_explicit_routing };
}

function buildKeyspace(name: string, def: KeyspaceVSchema): KeyspaceModel {
  const ks = emptyKeyspace(name, def);
  try {
    fillKeyspace(ks, def);
  } catch (err) {
    ks.error = `keyspace ${name}: ${(err as Error).message}`;
    ks.tables.clear();
  }
  return ks;
}

/** Adds the vindexes and tables of `def` to `ks`; throws on the first problem (see {@link checkKeyspaceVSchema}). */
function fillKeyspace(ks: KeyspaceModel, def: KeyspaceVSchema): void {
  for (const [vname, vdef] of Object.entries(def.vindexes ?? {})) ks.vindexes.set(vname, createVindex(vdef.type, vname, vdef.params ?? {}));
  for (const [tname, tdef] of Object.entries(def.tables ?? {})) {
    const t: TableModel = {
      name: tname,
      keyspace: ks,
      type: tdef.type === 'sequence' ? 'sequence' : tdef.type === 'reference' ? 'reference' : 'normal',
      columnVindexes: [],
    };
    for (const cv of tdef.column_vindexes ?? []) {
      const vindex = ks.vindexes.get(cv.name);
      if (!vindex) throw new Error(`vindex ${cv.name} not found for table ${tname}`);
      const column = cv.column || cv.columns?.[0] || '';
      t.columnVindexes.push({ column: column.toLowerCase(), vindex });
    }
    if (ks.sharded && t.type === 'normal' && t.columnVindexes.length === 0) {
      throw new Error(`missing primary col vindex for table: ${tname}`);
    }
    if (tdef.auto_increment) {
      t.autoIncrement = { column: tdef.auto_increment.column.toLowerCase(), sequenceName: tdef.auto_increment.sequence };
    }
    ks.tables.set(tname, t);
  }
}

function tableNotFound(table: string): SqlError {
  return sqlError(ER.NO_SUCH_TABLE, `table ${table} not found`);
}

/** The routing-rule suffix Vitess appends for a tablet type: '' for PRIMARY, `@replica`, `@rdonly`. */
export function tabletTypeSuffix(t: TabletType): string {
  if (t === TabletType.REPLICA) return '@replica';
  if (t === TabletType.RDONLY) return '@rdonly';
  return '';
}
