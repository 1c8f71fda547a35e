/**
 * Turns one statement's text into a Plan: forms node-sql-parser does not parse (SHOW, DESCRIBE,
 * `select next N values from seq`, SET NAMES, COMMIT WORK, …) are recognized from the text first;
 * everything else is parsed with `@vtsim/sql` and dispatched on the AST's type.
 */
import { ER, SqlError, sqlError, emptyResult, Type, type BindVars, type Result, type SqlValue } from '@vtsim/proto';
import { bindVarsIntoText, compileExpr, constant, type EvalEnv, type Expr, isTrue, normalizeSqlMode, parseStatement, resultField, setUserVariable, type Statement, stripLeadingComments, toBigInt, toText, hasBindVarToken } from '@vtsim/sql';
import { lookupBindVar } from './access-path.js';
import { identName } from './ast-names.js';
import { parseTableDdlWithChecks } from './check-enforcement.js';
import { executeDdl } from './ddl.js';
import { compileDelete, compileInsert, compileUpdate, type DmlRunner } from './dml-plan.js';
import type { MysqlSession } from './mysql-session.js';
import type { Plan } from './plan.js';
import { compileSelect, type PlanContext } from './select-plan.js';
import { planShow } from './show.js';
import { selectListTexts, statementText } from './statement-text.js';
import { REPLICA_NET_TIMEOUT_RANGE, isKnownVariable } from './system-variables.js';
import { planTransactionStatement } from './transaction-statement.js';

const EMPTY_ROW: readonly SqlValue[] = [];
const ID = '(?:`((?:[^`]|``)+)`|([\\w$]+))';
const TABLE_DDL = /^(?:create\s+(?:temporary\s+)?table|alter\s+table)\b/i;
/** node-sql-parser lacks DROP TEMPORARY TABLE: the keyword is cut before parsing and set on the AST. */
const DROP_TEMPORARY = /^(\s*(?:\/\*.*?\*\/\s*)*drop\s+)temporary\s+(?=tables?\b)/is;
const NEXT_VALUES = new RegExp(`^select\\s+next\\s+(?::(\\w+)|(\\d+))\\s+values?\\s+from\\s+${ID}(?:\\s*\\.\\s*${ID})?$`, 'is');

/** Plans one statement for a session (reading its current database). Throws SqlError (1064 for syntax errors). */
export function planStatement(sql: string, session: MysqlSession): Plan {
  const schemaVersion = session.mysqld.catalog.schemaVersion;
  const ctx: PlanContext = { catalog: session.mysqld.catalog, database: session.database, temporaryTables: session.temporaryTables };
  const text = stripLeadingComments(statementText(sql));
  const once = (run: (s: MysqlSession, bv: BindVars) => Result): Plan => ({ schemaVersion, cacheable: false, run });
  const cached = (run: (s: MysqlSession, bv: BindVars) => Result): Plan => ({ schemaVersion, cacheable: true, run });

  const next = NEXT_VALUES.exec(text);
  if (next) return cached(nextValuesRunner(next, ctx));
  const show = planShow(text);
  if (show) return once((s) => show(s));
  if (/^set\s+(?:names|character\s+set|charset)\b/is.test(text)) return once(() => emptyResult());
  const transactionStatement = planTransactionStatement(text);
  if (transactionStatement) return once(transactionStatement);
  if (/^commit(?:\s+work)?$/is.test(text)) return once(control((s) => s.commit()));
  if (/^rollback(?:\s+work)?$/is.test(text)) return once(control((s) => s.rollback()));
  if (/^(?:lock\s+tables?|unlock\s+tables?)\b/is.test(text)) return once(() => emptyResult());

  const tableDdl = TABLE_DDL.test(text) ? parseTableDdlWithChecks(sql) : undefined;
  const partition = tableDdl?.change;
  const dropTemporary = DROP_TEMPORARY.test(sql);
  const parsed = tableDdl?.ast ?? parse(/^set\s/i.test(text) ? quoteOnOff(sql) : dropTemporary ? sql.replace(DROP_TEMPORARY, '$1') : sql);
  const ast = dropTemporary && parsed.type === 'drop' ? { ...parsed, temporary: 'temporary' } : parsed;
  switch (ast.type) {
    case 'select': {
      const texts = selectListTexts(sql);
      const plan = compileSelect(ast, ctx, texts ? { texts } : {});
      // vttablet sends MySQL the bound query: a name written with bind variables shows their values.
      const bound = plan.fields.some((f) => hasBindVarToken(f.name));
      return cached((s, bv) => {
        const fields = plan.resultFields?.(s) ?? plan.fields;
        const rows = plan.execute(s, bv);
        return { fields: bound ? fields.map((f) => (hasBindVarToken(f.name) ? { ...f, name: bindVarsIntoText(f.name, bv) } : f)) : fields, rows, rowsAffected: 0, insertId: 0n };
      });
    }
    case 'insert':
    case 'replace':
      return cached(compileInsert(ast, ctx));
    case 'update':
      return cached(compileUpdate(ast, ctx));
    case 'delete':
      return cached(compileDelete(ast, ctx));
    case 'create':
    case 'drop':
    case 'alter':
    case 'truncate':
    case 'rename': {
      const statement = statementText(sql);
      return once((s) => {
        executeDdl(s, ast, statement, partition);
        return emptyResult();
      });
    }
    case 'use': {
      const db = identName(ast.db);
      return once((s) => {
        s.mysqld.catalog.database(db);
        s.database = db;
        return emptyResult();
      });
    }
    case 'set':
      return once(compileSet(ast));
    case 'transaction': {
      const action = identName(ast.expr?.action).toLowerCase();
      if (action === 'commit') return once(control((s) => s.commit()));
      if (action === 'rollback') return once(control((s) => s.rollback()));
      return once(control((s) => s.begin()));
    }
    case 'lock':
    case 'unlock':
      return once(() => emptyResult());
  }
  throw sqlError(ER.NOT_SUPPORTED_YET, `This version of MySQL doesn't yet support '${text.split(/\s+/)[0] ?? ast.type}'`);
}

/**
 * Parses with `@vtsim/sql`, after expanding list bind variables. node-sql-parser checks INSERT value
 * counts itself; that check is reported as MySQL's 1136 rather than as a syntax error.
 */
function parse(sql: string): Statement {
  try {
    return parseStatement(sql.includes('::') ? expandListBindVars(sql) : sql);
  } catch (err) {
    const m = err instanceof SqlError ? /column count doesn't match value count at row (\d+)/i.exec(err.message) : null;
    if (m) throw sqlError(ER.WRONG_VALUE_COUNT_ON_ROW, `Column count doesn't match value count at row ${m[1]}`);
    throw err;
  }
}

/** Quotes bare ON/OFF values in SET (node-sql-parser reads ON as a keyword there). */
function quoteOnOff(sql: string): string {
  return sql.replace(/(=\s*)(on|off)\b(?=\s*(?:,|;|$))/gi, "$1'$2'");
}

function control(action: (s: MysqlSession) => void): (s: MysqlSession) => Result {
  return (s) => {
    action(s);
    return emptyResult();
  };
}

function nextValuesRunner(m: RegExpExecArray, ctx: PlanContext): DmlRunner {
  const param = m[1];
  const literal = m[2];
  const first = m[3] ?? m[4]!;
  const second = m[5] ?? m[6];
  const database = second !== undefined ? first.replace(/``/g, '`') : ctx.database;
  const table = (second ?? first).replace(/``/g, '`');
  if (!database) throw sqlError(ER.NO_DB_ERROR, 'No database selected');
  const entry = ctx.catalog.table(database, table);
  const fields = [resultField('nextval', Type.INT64)];
  return (session, bindVars) => {
    const raw = param !== undefined ? lookupBindVar(bindVars, param) : BigInt(literal!);
    const n = Array.isArray(raw) ? null : toBigInt(raw);
    if (n === null) throw sqlError(ER.UNKNOWN_ERROR, `invalid increment for sequence ${table}: ${String(raw)}`);
    const id = session.mysqld.sequences.next(session, entry, n);
    return { fields, rows: [[id]], rowsAffected: 0, insertId: 0n };
  };
}

const NO_COLUMNS = {
  column(table: string | null, name: string): never {
    throw sqlError(ER.BAD_FIELD_ERROR, `Unknown column '${table ? `${table}.` : ''}${name}' in 'field list'`);
  },
};

/** Compiles SET of user variables (`@x`), session/global system variables and the special ones (autocommit, sql_log_bin). */
function compileSet(ast: Statement): (s: MysqlSession, bv: BindVars) => Result {
  const defaultScope = String(ast.keyword ?? '').toLowerCase() === 'global' ? 'global' : 'session';
  const assigns = ((ast.expr ?? []) as { left: Expr; right: Expr }[]).map((a) => {
    const left = a.left;
    const prefix = String(left.prefix ?? '');
    let name = identName(left.name);
    let scope: 'session' | 'global' = defaultScope;
    const members = (left.members ?? []) as unknown[];
    if (prefix === '@@' && members.length > 0 && ['session', 'global', 'local'].includes(name.toLowerCase())) {
      scope = name.toLowerCase() === 'global' ? 'global' : 'session';
      name = identName(members[0]);
    }
    const right = a.right;
    const value = right.type === 'column_ref' ? constant(identName(right.column), Type.VARCHAR) : compileExpr(right, NO_COLUMNS);
    return { user: prefix === '@', name: name.toLowerCase(), scope, value };
  });
  for (const a of assigns) {
    if (!a.user && !isKnownVariable(a.name)) throw sqlError(ER.UNKNOWN_SYSTEM_VARIABLE, `Unknown system variable '${a.name}'`);
  }
  return (session, bindVars) => {
    const env: EvalEnv = { row: EMPTY_ROW, bindVars, session };
    for (const a of assigns) {
      const v = a.value(env);
      if (a.user) {
        setUserVariable(session, a.name, v, a.value.valueType?.(env) ?? a.value.type);
        continue;
      }
      switch (a.name) {
        case 'autocommit':
          session.setAutocommit(flag(v));
          break;
        case 'sql_log_bin':
          session.logBin = flag(v);
          break;
        case 'read_only':
        case 'super_read_only':
          session.mysqld.superReadOnly = flag(v);
          break;
        case 'rpl_semi_sync_source_enabled':
          session.mysqld.semiSync.setEnabled(flag(v));
          break;
        case 'rpl_semi_sync_replica_enabled':
          session.mysqld.semiSyncReplicaEnabled = flag(v);
          break;
        case 'replica_net_timeout':
        case 'slave_net_timeout': {
          if (a.scope !== 'global') throw new SqlError(1229, 'HY000', `Variable '${a.name}' is a GLOBAL variable and should be set with SET GLOBAL`);
          const { min, max } = REPLICA_NET_TIMEOUT_RANGE;
          const seconds = toBigInt(v);
          if (seconds === null) throw new SqlError(1232, '42000', `Incorrect argument type to variable '${a.name}'`);
          session.mysqld.globalVariables.set('replica_net_timeout', seconds < min ? BigInt(min) : seconds > max ? BigInt(max) : seconds);
          break;
        }
        case 'sql_mode': {
          const mode = normalizeSqlMode(v);
          if (a.scope === 'global') session.mysqld.globalVariables.set('sql_mode', mode);
          else session.setSqlMode(mode);
          break;
        }
        default:
          if (a.scope === 'global') session.mysqld.globalVariables.set(a.name, v);
          else session.sessionVariables.set(a.name, v);
      }
    }
    return emptyResult();
  };
}

function flag(v: SqlValue): boolean {
  const t = toText(v)?.toLowerCase();
  if (t === 'on' || t === 'true') return true;
  if (t === 'off' || t === 'false') return false;
  return isTrue(v) === true;
}

/** Rewrites Vitess's list bind variables `::name` to `(:name)`, outside quoted strings and identifiers. */
function expandListBindVars(sql: string): string {
  let out = '';
  let i = 0;
  while (i < sql.length) {
    const c = sql[i]!;
    if (c === "'" || c === '"' || c === '`') {
      let j = i + 1;
      while (j < sql.length && sql[j] !== c) j += sql[j] === '\\' && c !== '`' ? 2 : 1;
      out += sql.slice(i, j + 1);
      i = j + 1;
      continue;
    }
    const m = c === ':' && sql[i + 1] === ':' ? /^::([A-Za-z_][\w]*)/.exec(sql.slice(i, i + 200)) : null;
    if (m) {
      out += `(:${m[1]})`;
      i += m[0].length;
      continue;
    }
    out += c;
    i++;
  }
  return out;
}
