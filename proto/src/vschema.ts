/**
 * Types of Vitess's `vschema` proto package: a keyspace's VSchema (vindexes and tables), routing
 * rules and the cell-wide SrvVSchema, plus the parser for the JSON that `ApplyVSchema` accepts.
 * Field names are the proto's own (snake_case), so these objects go on the wire unchanged.
 */
import { Type } from './query.js';

/** vschema.Vindex: a vindex definition; `params` are the vindex's string options. */
export interface VindexDef {
  type: string;
  params: Record<string, string>;
  owner: string;
}

/** vschema.ColumnVindex: binds a vindex to one column (`column`) or several (`columns`). */
export interface ColumnVindex {
  column: string;
  name: string;
  columns: string[];
}

/** vschema.AutoIncrement: the column filled from a sequence table on insert. */
export interface AutoIncrement {
  column: string;
  sequence: string;
}

/** vschema.Column: a column declared in the VSchema. */
export interface VSchemaColumn {
  name: string;
  type: Type;
}

/** The table kinds a VSchema knows: a normal table, a sequence, or a reference table. */
export type VSchemaTableType = '' | 'sequence' | 'reference';

/** vschema.Table: one table of a keyspace's VSchema; the first column vindex is the primary one. */
export interface VSchemaTable {
  type: VSchemaTableType;
  column_vindexes: ColumnVindex[];
  auto_increment: AutoIncrement | null;
  columns: VSchemaColumn[];
  pinned: string;
  column_list_authoritative: boolean;
  source: string;
}

/** vschema.Keyspace: a keyspace's VSchema (`keyspaces/<ks>/VSchema`). */
export interface KeyspaceVSchema {
  sharded: boolean;
  vindexes: Record<string, VindexDef>;
  tables: Record<string, VSchemaTable>;
  require_explicit_routing: boolean;
}

/** vschema.RoutingRule: queries naming `from_table` go to the first of `to_tables`. */
export interface RoutingRule {
  from_table: string;
  to_tables: string[];
}

/** vschema.RoutingRules: the global table routing rules. */
export interface RoutingRules {
  rules: RoutingRule[];
}

/** vschema.SrvVSchema: every keyspace's VSchema plus the routing rules, as served to vtgates of a cell. */
export interface SrvVSchema {
  keyspaces: Record<string, KeyspaceVSchema>;
  routing_rules: RoutingRules;
}

/** An empty VSchema: unsharded, no vindexes, no tables. */
export function emptyKeyspaceVSchema(): KeyspaceVSchema {
  return { sharded: false, vindexes: {}, tables: {}, require_explicit_routing: false };
}

type JsonObject = Record<string, unknown>;

function camel(snake: string): string {
  return snake.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());
}

/** The value of a snake_case field, or of its camelCase jsonpb spelling. */
function field(obj: JsonObject, snake: string): unknown {
  if (obj[snake] !== undefined) return obj[snake];
  return obj[camel(snake)];
}

function asObject(v: unknown, what: string): JsonObject {
  if (v === undefined || v === null) return {};
  if (typeof v !== 'object' || Array.isArray(v)) throw new Error(`${what} must be a JSON object`);
  return v as JsonObject;
}

function asString(v: unknown, what: string): string {
  if (v === undefined || v === null) return '';
  if (typeof v !== 'string') throw new Error(`${what} must be a string`);
  return v;
}

function asBool(v: unknown, what: string): boolean {
  if (v === undefined || v === null) return false;
  if (typeof v !== 'boolean') throw new Error(`${what} must be a boolean`);
  return v;
}

function asArray(v: unknown, what: string): unknown[] {
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v)) throw new Error(`${what} must be a JSON array`);
  return v;
}

function parseVindexDef(name: string, v: unknown): VindexDef {
  const o = asObject(v, `vindex ${name}`);
  const type = asString(field(o, 'type'), `vindex ${name}: type`);
  if (type === '') throw new Error(`vindex ${name}: type is required`);
  const params: Record<string, string> = {};
  for (const [k, pv] of Object.entries(asObject(field(o, 'params'), `vindex ${name}: params`))) {
    if (typeof pv === 'string') params[k] = pv;
    else if (typeof pv === 'number' || typeof pv === 'boolean') params[k] = String(pv);
    else throw new Error(`vindex ${name}: param ${k} must be a string`);
  }
  return { type, params, owner: asString(field(o, 'owner'), `vindex ${name}: owner`) };
}

function parseColumnType(v: unknown, what: string): Type {
  if (v === undefined || v === null) return Type.NULL_TYPE;
  if (typeof v === 'number' && Type[v] !== undefined) return v as Type;
  if (typeof v === 'string') {
    const t = (Type as unknown as Record<string, number>)[v.toUpperCase()];
    if (typeof t === 'number') return t as Type;
  }
  throw new Error(`${what}: unknown column type ${JSON.stringify(v)}`);
}

function parseTable(name: string, v: unknown, ks: KeyspaceVSchema): VSchemaTable {
  const o = asObject(v, `table ${name}`);
  const type = asString(field(o, 'type'), `table ${name}: type`);
  if (type !== '' && type !== 'sequence' && type !== 'reference') {
    throw new Error(`table ${name}: unknown table type '${type}' (expected '', 'sequence' or 'reference')`);
  }
  const column_vindexes = asArray(field(o, 'column_vindexes'), `table ${name}: column_vindexes`).map((cv, i) => {
    const c = asObject(cv, `table ${name}: column_vindexes[${i}]`);
    const vname = asString(field(c, 'name'), `table ${name}: column_vindexes[${i}].name`);
    if (vname === '') throw new Error(`table ${name}: column_vindexes[${i}] has no vindex name`);
    if (!ks.vindexes[vname]) throw new Error(`vindex ${vname} not found for table ${name}`);
    const column = asString(field(c, 'column'), `table ${name}: column_vindexes[${i}].column`);
    const columns = asArray(field(c, 'columns'), `table ${name}: column_vindexes[${i}].columns`).map((s) =>
      asString(s, `table ${name}: column_vindexes[${i}].columns`),
    );
    if (column === '' && columns.length === 0) throw new Error(`table ${name}: vindex ${vname} needs at least one column`);
    return { column, name: vname, columns };
  });
  const ai = field(o, 'auto_increment');
  let auto_increment: AutoIncrement | null = null;
  if (ai !== undefined && ai !== null) {
    const a = asObject(ai, `table ${name}: auto_increment`);
    auto_increment = {
      column: asString(field(a, 'column'), `table ${name}: auto_increment.column`),
      sequence: asString(field(a, 'sequence'), `table ${name}: auto_increment.sequence`),
    };
    if (auto_increment.column === '' || auto_increment.sequence === '') {
      throw new Error(`table ${name}: auto_increment needs both column and sequence`);
    }
  }
  const columns = asArray(field(o, 'columns'), `table ${name}: columns`).map((cv, i) => {
    const c = asObject(cv, `table ${name}: columns[${i}]`);
    const cname = asString(field(c, 'name'), `table ${name}: columns[${i}].name`);
    if (cname === '') throw new Error(`table ${name}: columns[${i}] has no name`);
    return { name: cname, type: parseColumnType(field(c, 'type'), `table ${name}: column ${cname}`) };
  });
  const pinned = asString(field(o, 'pinned'), `table ${name}: pinned`);
  if (ks.sharded && type === '' && column_vindexes.length === 0 && pinned === '') {
    throw new Error(`missing primary col vindex for table: ${name}`);
  }
  return {
    type,
    column_vindexes,
    auto_increment,
    columns,
    pinned,
    column_list_authoritative: asBool(field(o, 'column_list_authoritative'), `table ${name}: column_list_authoritative`),
    source: asString(field(o, 'source'), `table ${name}: source`),
  };
}

/**
 * Parses a keyspace VSchema from Vitess's JSON (snake_case keys or their camelCase jsonpb
 * spellings such as `columnVindexes`, `autoIncrement`), filling every absent field with its
 * default. Unknown keys are ignored, as Vitess's JSON parsing does.
 * Throws an Error naming the offending table or vindex on a wrong shape: a non-object, a value of
 * the wrong JSON type, a table type other than '', 'sequence' or 'reference', a column vindex
 * naming an undefined vindex, or a table of a sharded keyspace without a primary vindex.
 */
export function parseKeyspaceVSchema(json: unknown): KeyspaceVSchema {
  const o = asObject(json, 'vschema');
  const ks = emptyKeyspaceVSchema();
  ks.sharded = asBool(field(o, 'sharded'), 'sharded');
  ks.require_explicit_routing = asBool(field(o, 'require_explicit_routing'), 'require_explicit_routing');
  for (const [name, v] of Object.entries(asObject(field(o, 'vindexes'), 'vindexes'))) ks.vindexes[name] = parseVindexDef(name, v);
  for (const [name, v] of Object.entries(asObject(field(o, 'tables'), 'tables'))) ks.tables[name] = parseTable(name, v, ks);
  return ks;
}

/**
 * Parses routing rules from Vitess's JSON (`{"rules": [{"from_table": …, "to_tables": […]}]}`,
 * also `fromTable`/`toTables`). Throws an Error on a wrong shape or a rule without a from_table.
 */
export function parseRoutingRules(json: unknown): RoutingRules {
  const o = asObject(json, 'routing rules');
  const rules = asArray(field(o, 'rules'), 'rules').map((rv, i) => {
    const r = asObject(rv, `rules[${i}]`);
    const from_table = asString(field(r, 'from_table'), `rules[${i}].from_table`);
    if (from_table === '') throw new Error(`rules[${i}] has no from_table`);
    const to_tables = asArray(field(r, 'to_tables'), `rules[${i}].to_tables`).map((t) => asString(t, `rules[${i}].to_tables`));
    return { from_table, to_tables };
  });
  return { rules };
}
