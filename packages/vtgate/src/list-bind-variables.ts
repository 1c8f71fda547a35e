/**
 * List bind variables: `customer_id in ::ids` with a TUPLE bind variable `ids`, as gRPC clients
 * send them (`query.BindVariable{type: TUPLE, values: [...]}`). Each `::name` is expanded into a
 * parenthesized list of single-value bind variables (`(:ids__1, :ids__2)`) before the statement is
 * planned, so an IN on a vindex column routes to exactly the shards owning those values, the way
 * Vitess's IN route does, and the tablets receive ordinary bind variables.
 *
 * Errors are Vitess's (go/vt/sqlparser/parsed_query.go), INVALID_ARGUMENT: `missing bind var ids`,
 * `unexpected arg type (INT64) for multi-value key ids` for a `::name` whose variable is a single
 * value, and `empty list supplied for ids` for an empty TUPLE.
 */
import { Code, ER, sqlError, type BindVars, type SqlValue } from '@vtsim/proto';
import { SqlLexer, Tok } from '@vtsim/sql';

/** The query.Type name Vitess would report for a decoded value. */
function typeName(v: SqlValue): string {
  if (v === null) return 'NULL_TYPE';
  if (typeof v === 'bigint') return 'INT64';
  if (typeof v === 'number') return 'FLOAT64';
  if (typeof v === 'string') return 'VARCHAR';
  return 'VARBINARY';
}

function invalid(message: string): Error {
  return sqlError(ER.UNKNOWN_ERROR, message, Code.INVALID_ARGUMENT);
}

/**
 * Expands every `::name` of `sql` into `(:name__1, …, :name__n)` with one bind variable per element
 * of the list `bindVars[name]`; the original list variables stay. Text without `::` comes back as
 * it is. Throws (see the module comment) for a missing, single-valued or empty list.
 */
export function expandListBindVariables(sql: string, bindVars: BindVars): { sql: string; bindVars: BindVars } {
  if (!sql.includes('::')) return { sql, bindVars };
  const lx = new SqlLexer(sql);
  let out = '';
  let copied = 0;
  let vars: BindVars | undefined;
  for (let k = lx.next(); k !== Tok.EOF; k = lx.next()) {
    if (k !== Tok.PARAM || sql.charCodeAt(lx.start + 1) !== 58) continue;
    const name = sql.slice(lx.start + 2, lx.end);
    const list = bindVars[name];
    if (list === undefined) throw invalid(`missing bind var ${name}`);
    if (!Array.isArray(list)) throw invalid(`unexpected arg type (${typeName(list)}) for multi-value key ${name}`);
    if (list.length === 0) throw invalid(`empty list supplied for ${name}`);
    vars ??= { ...bindVars };
    const names: string[] = [];
    for (let i = 0; i < list.length; i++) {
      let element = `${name}__${i + 1}`;
      while (element in bindVars) element = `_${element}`;
      vars[element] = list[i]!;
      names.push(`:${element}`);
    }
    out += `${sql.slice(copied, lx.start)}(${names.join(', ')})`;
    copied = lx.end;
  }
  if (!vars) return { sql, bindVars };
  return { sql: out + sql.slice(copied), bindVars: vars };
}
