/**
 * SystemTableRoute: a query on information_schema (or another system schema) sent to one shard, as
 * Vitess's engine.Route with the DBA opcode routes it (`routeInfoSchemaQuery`): a `table_schema`
 * value naming a keyspace sends the query to that keyspace with `__replacevtschemaname` set, so the
 * tablet compares against its own database (`vt_<keyspace>`); a `table_name` value naming a table of
 * the VSchema sends it to that table's keyspace; otherwise the default keyspace answers.
 */
import { Code, ER, sqlError, type BindVars, type Result, type SqlValue } from '@vtsim/proto';
import { toText } from '@vtsim/sql';
import type { TableModel, VSchema } from '../vschema.js';
import { describeValue, type PrimitiveDescription } from './plan-description.js';
import type { Primitive, VCursor } from './primitive.js';
import { evaluateValue, type ValueSource } from './value-source.js';

/** The bind variable carrying the `table_schema` value (Vitess's sqltypes.BvSchemaName). */
export const SCHEMA_NAME_BIND_VAR = '__vtschemaname';
/** Set by vtgate to make the tablet put its own database name in {@link SCHEMA_NAME_BIND_VAR} (sqltypes.BvReplaceSchemaName). */
const REPLACE_SCHEMA_NAME_BIND_VAR = '__replacevtschemaname';

/** What a system-table route needs; see {@link SystemTableRoute}. */
export interface SystemTableRouteOptions {
  /** The keyspace answering when the predicates name none (the session's, else any). */
  defaultKeyspace: string;
  /** The session's keyspace ('' for none): where a table_name without table_schema is looked up. */
  sessionKeyspace: string;
  /** The query, its routing values replaced by `:__vtschemaname` and the table-name bind variables. */
  query: string;
  /** The values compared with a schema-name column (`table_schema = …`). */
  schemaValues: ValueSource[];
  /** The values compared with a table-name column, by the bind variable that carries them. */
  tableValues: [string, ValueSource][];
  /** The routing model the plan was built with (plans are dropped when it changes). */
  vschema: VSchema;
  /** The schemas every tablet has (lower-case): a table_schema naming one goes to the default keyspace. */
  systemSchemas: ReadonlySet<string>;
}

/** A routed system-table query. */
export class SystemTableRoute implements Primitive {
  constructor(readonly opts: SystemTableRouteOptions) {}

  async execute(vc: VCursor, bindVars: BindVars): Promise<Result> {
    const bv: BindVars = { ...bindVars };
    const keyspace = this.route(vc, bv);
    const shard = vc.resolver.shards(keyspace, vc.tabletType)[0];
    if (!shard) throw sqlError(ER.UNKNOWN_ERROR, `keyspace ${keyspace} has no shards`);
    return vc.executeShard({ shard, sql: this.opts.query, bindVars: bv }, { tables: [], write: false });
  }

  /** A Route with Vitess's DBA variant, its routing values as `SysTableTableSchema` / `SysTableTableName`. */
  describe(): PrimitiveDescription {
    const o = this.opts;
    const d: PrimitiveDescription = { OperatorType: 'Route', Variant: 'DBA', Keyspace: { Name: o.defaultKeyspace, Sharded: false }, Query: o.query };
    if (o.schemaValues.length > 0) d.SysTableTableSchema = `[${o.schemaValues.map(describeValue).join(', ')}]`;
    if (o.tableValues.length > 0) d.SysTableTableName = `[${o.tableValues.map(([name, v]) => `${name}:${describeValue(v)}`).join(', ')}]`;
    return d;
  }

  /** The keyspace the query goes to; sets the routing bind variables in `bv`. */
  private route(vc: VCursor, bv: BindVars): string {
    const o = this.opts;
    let specified = '';
    for (const src of o.schemaValues) {
      const ks = text(evaluateValue(src, bv, vc.sessionContext));
      if (specified === '') specified = ks;
      if (specified !== ks) throw sqlError(ER.UNKNOWN_ERROR, 'specifying two different database in the query is not supported', Code.UNIMPLEMENTED);
    }
    if (specified !== '') bv[SCHEMA_NAME_BIND_VAR] = specified;
    const tables: [string, string][] = o.tableValues.map(([name, src]) => [name, text(evaluateValue(src, bv, vc.sessionContext))]);
    for (const [name, table] of tables) bv[name] = table;
    if (o.systemSchemas.has(specified.toLowerCase())) return o.defaultKeyspace;
    let routedKeyspace: string | undefined;
    for (const [name, table] of tables) {
      let routed: TableModel;
      try {
        routed = o.vschema.findRoutedTable(specified || o.sessionKeyspace, table, vc.tabletType);
      } catch (e) {
        // An unknown keyspace (e.g. `vt_ks` given as table_schema) falls back to the default keyspace.
        if ((e as { errno?: number }).errno === ER.BAD_DB_ERROR[0]) return o.defaultKeyspace;
        continue;
      }
      routedKeyspace ??= routed.keyspace.name;
      if (routedKeyspace !== routed.keyspace.name) {
        throw sqlError(ER.UNKNOWN_ERROR, `cannot send the query to multiple keyspace due to different table_name: ${routedKeyspace}, ${routed.keyspace.name}`, Code.UNIMPLEMENTED);
      }
      bv[name] = routed.name;
    }
    if (routedKeyspace !== undefined) {
      if (specified !== '') replaceSchemaName(bv);
      return routedKeyspace;
    }
    if (specified === '') return o.defaultKeyspace;
    try {
      vc.resolver.shards(specified, vc.tabletType);
    } catch {
      return o.defaultKeyspace;
    }
    replaceSchemaName(bv);
    return specified;
  }
}

function replaceSchemaName(bv: BindVars): void {
  delete bv[SCHEMA_NAME_BIND_VAR];
  bv[REPLACE_SCHEMA_NAME_BIND_VAR] = 1n;
}

function text(v: SqlValue): string {
  return toText(v) ?? '';
}
