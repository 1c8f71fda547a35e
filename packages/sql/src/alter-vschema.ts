/**
 * ALTER VSCHEMA: Vitess's SQL for editing a keyspace's VSchema (sqlparser's AlterVschema), parsed
 * into a small AST, and the pure change it makes to a keyspace VSchema (topotools'
 * ApplyVSchemaDDL), with Vitess's errors. The grammar:
 *
 * ```
 * ALTER VSCHEMA CREATE VINDEX [ks.]name [USING type] [WITH k = v, …]
 * ALTER VSCHEMA DROP VINDEX [ks.]name
 * ALTER VSCHEMA ADD TABLE [ks.]t            ALTER VSCHEMA DROP TABLE [ks.]t
 * ALTER VSCHEMA ADD SEQUENCE [ks.]seq       ALTER VSCHEMA DROP SEQUENCE [ks.]seq
 * ALTER VSCHEMA ON [ks.]t ADD VINDEX name (col, …) [USING type] [WITH k = v, …]
 * ALTER VSCHEMA ON [ks.]t DROP VINDEX name
 * ALTER VSCHEMA ON [ks.]t ADD AUTO_INCREMENT col USING [ks.]seq
 * ALTER VSCHEMA ON [ks.]t DROP AUTO_INCREMENT
 * ```
 *
 * A vindex parameter named `owner` (any case) becomes the vindex's owner, as Vitess's
 * VindexSpec.ParseParams does; parameter values are identifiers (`ks.t` too), strings or numbers.
 */
import { Code, ER, SqlError, sqlError, type ColumnVindex, type KeyspaceVSchema, type VindexDef, type VSchemaTable } from '@vtsim/proto';
import { SqlLexer, Tok, unquoteIdent, unquoteString } from './sql-lexer.js';

/** The change an ALTER VSCHEMA statement makes (sqlparser's DDLAction of the AlterVschema family). */
export type AlterVschemaAction =
  | 'create_vindex'
  | 'drop_vindex'
  | 'add_table'
  | 'drop_table'
  | 'add_sequence'
  | 'drop_sequence'
  | 'add_col_vindex'
  | 'drop_col_vindex'
  | 'add_auto_increment'
  | 'drop_auto_increment';

/** A possibly keyspace-qualified name (`qualifier` is '' when unqualified). */
export interface QualifiedName {
  qualifier: string;
  name: string;
}

/** One parsed ALTER VSCHEMA statement. */
export interface AlterVschema {
  action: AlterVschemaAction;
  /** The table the statement names; for CREATE/DROP VINDEX, the vindex's (qualified) name. */
  table: QualifiedName;
  /** The vindex of CREATE VINDEX, DROP VINDEX and ON … ADD/DROP VINDEX; `type` '' when no USING. */
  vindex?: { name: string; type: string; params: Array<[string, string]> };
  /** The columns of ON … ADD VINDEX. */
  vindexColumns?: string[];
  /** ON … ADD AUTO_INCREMENT's column and sequence. */
  autoIncrement?: { column: string; sequence: QualifiedName };
}

/** True when the statement is an ALTER VSCHEMA one (leading comments skipped). */
export function isAlterVschema(sql: string): boolean {
  const lx = new SqlLexer(sql);
  return lx.next() === Tok.WORD && lx.isWord('ALTER') && lx.next() === Tok.WORD && lx.isWord('VSCHEMA');
}

/** Parses an ALTER VSCHEMA statement. Throws SqlError 1064 (42000) `syntax error at position N near 'x'`. */
export function parseAlterVschema(sql: string): AlterVschema {
  const p = new Parser(sql);
  p.keyword('ALTER');
  p.keyword('VSCHEMA');
  let ddl: AlterVschema;
  if (p.accept('CREATE')) {
    p.keyword('VINDEX');
    const table = p.qualifiedName();
    const type = p.accept('USING') ? p.identifier() : '';
    ddl = { action: 'create_vindex', table, vindex: { name: table.name, type, params: p.params() } };
  } else if (p.accept('DROP')) {
    if (p.accept('VINDEX')) {
      const table = p.qualifiedName();
      ddl = { action: 'drop_vindex', table, vindex: { name: table.name, type: '', params: [] } };
    } else if (p.accept('TABLE')) ddl = { action: 'drop_table', table: p.qualifiedName() };
    else {
      p.keyword('SEQUENCE');
      ddl = { action: 'drop_sequence', table: p.qualifiedName() };
    }
  } else if (p.accept('ADD')) {
    if (p.accept('TABLE')) ddl = { action: 'add_table', table: p.qualifiedName() };
    else {
      p.keyword('SEQUENCE');
      ddl = { action: 'add_sequence', table: p.qualifiedName() };
    }
  } else {
    p.keyword('ON');
    const table = p.qualifiedName();
    if (p.accept('ADD')) {
      if (p.accept('VINDEX')) {
        const name = p.identifier();
        p.punct('(');
        const columns = [p.identifier()];
        while (p.acceptPunct(',')) columns.push(p.identifier());
        p.punct(')');
        const type = p.accept('USING') ? p.identifier() : '';
        ddl = { action: 'add_col_vindex', table, vindex: { name, type, params: p.params() }, vindexColumns: columns };
      } else {
        p.keyword('AUTO_INCREMENT');
        const column = p.identifier();
        p.keyword('USING');
        ddl = { action: 'add_auto_increment', table, autoIncrement: { column, sequence: p.qualifiedName() } };
      }
    } else {
      p.keyword('DROP');
      if (p.accept('VINDEX')) ddl = { action: 'drop_col_vindex', table, vindex: { name: p.identifier(), type: '', params: [] } };
      else {
        p.keyword('AUTO_INCREMENT');
        ddl = { action: 'drop_auto_increment', table };
      }
    }
  }
  p.end();
  return ddl;
}

/**
 * The keyspace VSchema after `ddl` (a new object; `ks` is not changed; null = the keyspace has
 * none yet), as Vitess's ApplyVSchemaDDL computes it: creating the first vindex of a keyspace
 * makes it sharded; dropping a table's last column vindex drops the table. Throws SqlError 1105
 * (HY000) with Vitess's message and vtrpc code (ALREADY_EXISTS, NOT_FOUND, FAILED_PRECONDITION,
 * INVALID_ARGUMENT) when the change does not apply.
 */
export function applyAlterVschema(keyspace: string, ks: KeyspaceVSchema | null, ddl: AlterVschema): KeyspaceVSchema {
  const out: KeyspaceVSchema = ks ? structuredClone(ks) : { sharded: false, vindexes: {}, tables: {}, require_explicit_routing: false };
  out.vindexes ??= {};
  out.tables ??= {};
  const tableName = ddl.table.name;
  const table = out.tables[tableName];
  switch (ddl.action) {
    case 'create_vindex': {
      const spec = ddl.vindex!;
      if (out.vindexes[spec.name]) throw vschemaError(Code.ALREADY_EXISTS, `vindex ${spec.name} already exists in keyspace ${keyspace}`);
      if (Object.keys(out.vindexes).length === 0) out.sharded = true;
      out.vindexes[spec.name] = vindexDef(spec);
      return out;
    }
    case 'drop_vindex': {
      const name = ddl.vindex!.name;
      if (!out.vindexes[name]) throw vschemaError(Code.NOT_FOUND, `vindex ${name} does not exists in keyspace ${keyspace}`);
      for (const [t, def] of Object.entries(out.tables)) {
        if (def.column_vindexes?.some((cv) => cv.name === name)) {
          throw vschemaError(Code.FAILED_PRECONDITION, `can not drop vindex cause ${name} still defined on table ${t}`);
        }
      }
      delete out.vindexes[name];
      return out;
    }
    case 'add_table':
      if (out.sharded) throw vschemaError(Code.FAILED_PRECONDITION, `add vschema table: unsupported on sharded keyspace ${keyspace}`);
      if (table) throw vschemaError(Code.ALREADY_EXISTS, `vschema already contains table ${tableName} in keyspace ${keyspace}`);
      out.tables[tableName] = vschemaTable('');
      return out;
    case 'drop_table':
      if (!table) throw noTable(tableName, keyspace);
      delete out.tables[tableName];
      return out;
    case 'add_sequence':
      if (out.sharded) throw vschemaError(Code.FAILED_PRECONDITION, `add sequence table: unsupported on sharded keyspace ${keyspace}`);
      if (table) throw vschemaError(Code.ALREADY_EXISTS, `vschema already contains sequence ${tableName} in keyspace ${keyspace}`);
      out.tables[tableName] = vschemaTable('sequence');
      return out;
    case 'drop_sequence':
      if (out.sharded) throw vschemaError(Code.FAILED_PRECONDITION, `drop sequence table: unsupported on sharded keyspace ${keyspace}`);
      if (!table || table.type !== 'sequence') throw vschemaError(Code.NOT_FOUND, `vschema does not contain sequence ${tableName} in keyspace ${keyspace}`);
      delete out.tables[tableName];
      return out;
    case 'add_col_vindex': {
      const spec = ddl.vindex!;
      const existing = out.vindexes[spec.name];
      if (spec.type !== '') {
        const def = vindexDef(spec);
        if (existing) {
          if (existing.type !== def.type) throw vschemaError(Code.INVALID_ARGUMENT, `vindex ${spec.name} defined with type ${existing.type} not ${def.type}`);
          if ((existing.owner ?? '') !== def.owner) throw vschemaError(Code.INVALID_ARGUMENT, `vindex ${spec.name} defined with owner ${existing.owner ?? ''} not ${def.owner}`);
          if (!sameParams(existing.params ?? {}, def.params)) throw vschemaError(Code.INVALID_ARGUMENT, `vindex ${spec.name} defined with different parameters`);
        } else {
          if (Object.keys(out.vindexes).length === 0) out.sharded = true;
          out.vindexes[spec.name] = def;
        }
      } else if (!existing) {
        throw vschemaError(Code.NOT_FOUND, `vindex ${spec.name} does not exist in keyspace ${keyspace}`);
      }
      const t = table ?? vschemaTable('');
      t.column_vindexes ??= [];
      if (t.column_vindexes.some((cv) => cv.name === spec.name)) throw vschemaError(Code.ALREADY_EXISTS, `vindex ${spec.name} already defined on table ${tableName}`);
      const cv: ColumnVindex = { column: '', name: spec.name, columns: [...ddl.vindexColumns!] };
      t.column_vindexes.push(cv);
      out.tables[tableName] = t;
      return out;
    }
    case 'drop_col_vindex': {
      const name = ddl.vindex!.name;
      if (!table) throw vschemaError(Code.NOT_FOUND, `table ${keyspace}.${tableName} not defined in vschema`);
      const i = (table.column_vindexes ?? []).findIndex((cv) => cv.name === name);
      if (i < 0) throw vschemaError(Code.NOT_FOUND, `vindex ${name} not defined in table ${keyspace}.${tableName}`);
      table.column_vindexes.splice(i, 1);
      if (table.column_vindexes.length === 0) delete out.tables[tableName];
      return out;
    }
    case 'add_auto_increment': {
      if (!table) throw noTable(tableName, keyspace);
      if (table.auto_increment) {
        const ai = table.auto_increment;
        throw vschemaError(Code.ALREADY_EXISTS, `vschema already contains auto inc column:"${ai.column}" sequence:"${ai.sequence}" on table ${tableName} in keyspace ${keyspace}`);
      }
      const { column, sequence } = ddl.autoIncrement!;
      table.auto_increment = { column, sequence: sequence.qualifier ? `${sequence.qualifier}.${sequence.name}` : sequence.name };
      return out;
    }
    case 'drop_auto_increment':
      if (!table) throw noTable(tableName, keyspace);
      if (!table.auto_increment) throw vschemaError(Code.NOT_FOUND, `vschema does not contain auto inc on table ${tableName} in keyspace ${keyspace}`);
      table.auto_increment = null;
      return out;
  }
}

/** A VSchema DDL failure as vtgate reports it: errno 1105 (HY000) with the vtrpc code. */
function vschemaError(code: Code, message: string): SqlError {
  return sqlError(ER.UNKNOWN_ERROR, message, code);
}

function noTable(table: string, keyspace: string): SqlError {
  return vschemaError(Code.NOT_FOUND, `vschema does not contain table ${table} in keyspace ${keyspace}`);
}

function vschemaTable(type: VSchemaTable['type']): VSchemaTable {
  return { type, column_vindexes: [], auto_increment: null, columns: [], pinned: '', column_list_authoritative: false, source: '' };
}

/** The vindex definition a spec declares: `owner` (any case) is the owner, the other parameters its params. */
function vindexDef(spec: { type: string; params: Array<[string, string]> }): VindexDef {
  let owner = '';
  const params: Record<string, string> = {};
  for (const [k, v] of spec.params) {
    if (k.toLowerCase() === 'owner') owner = v;
    else params[k] = v;
  }
  return { type: spec.type, params, owner };
}

function sameParams(a: Record<string, string>, b: Record<string, string>): boolean {
  const ka = Object.keys(a);
  return ka.length === Object.keys(b).length && ka.every((k) => b[k] === a[k]);
}

/** A recursive-descent reader over the lexer's tokens; every mismatch is Vitess's 1064 syntax error. */
class Parser {
  private readonly lx: SqlLexer;

  constructor(sql: string) {
    this.lx = new SqlLexer(sql.replace(/[\s;]+$/, ''));
    this.lx.next();
  }

  /** Consumes the keyword `word` if it is next. */
  accept(word: string): boolean {
    if (!this.lx.isWord(word)) return false;
    this.lx.next();
    return true;
  }

  keyword(word: string): void {
    if (!this.accept(word)) throw this.syntaxError();
  }

  acceptPunct(p: string): boolean {
    if (!this.lx.isPunct(p)) return false;
    this.lx.next();
    return true;
  }

  punct(p: string): void {
    if (!this.acceptPunct(p)) throw this.syntaxError();
  }

  /** An identifier: a word or a backquoted name. */
  identifier(): string {
    const lx = this.lx;
    if (lx.kind !== Tok.WORD && lx.kind !== Tok.QUOTED_IDENT) throw this.syntaxError();
    const name = lx.kind === Tok.WORD ? lx.text() : unquoteIdent(lx.text());
    lx.next();
    return name;
  }

  /** `name` or `qualifier.name`. */
  qualifiedName(): QualifiedName {
    const first = this.identifier();
    if (!this.acceptPunct('.')) return { qualifier: '', name: first };
    return { qualifier: first, name: this.identifier() };
  }

  /** `[WITH k = v, …]`: the parameters in order. */
  params(): Array<[string, string]> {
    const out: Array<[string, string]> = [];
    if (!this.accept('WITH')) return out;
    do {
      const key = this.identifier();
      this.punct('=');
      out.push([key, this.value()]);
    } while (this.acceptPunct(','));
    return out;
  }

  private value(): string {
    const lx = this.lx;
    let v: string;
    if (lx.kind === Tok.STRING) v = unquoteString(lx.text());
    else if (lx.kind === Tok.INTEGER || lx.kind === Tok.DECIMAL) v = lx.text();
    else if (lx.kind === Tok.WORD || lx.kind === Tok.QUOTED_IDENT) {
      const name = this.qualifiedName();
      return name.qualifier ? `${name.qualifier}.${name.name}` : name.name;
    } else throw this.syntaxError();
    lx.next();
    return v;
  }

  end(): void {
    if (this.lx.kind !== Tok.EOF) throw this.syntaxError();
  }

  private syntaxError(): SqlError {
    return this.lx.syntaxError();
  }
}
