import { Type, type BindVars, type SqlValue } from '@vtsim/proto';
import { compileExpr, parseColumnType, parseStatement, type ColumnType, type CompiledExpr, type ExprScope, type SessionContext } from '../src/index.js';
import { SqlError } from '@vtsim/proto';

/** A session at 2024-01-31 12:34:56.789 UTC with a fixed random source. */
export function testSession(): SessionContext {
  let seed = 1;
  return {
    database: 'vt_commerce',
    user: 'root',
    connectionId: 42,
    lastInsertId: 0n,
    now: () => Date.UTC(2024, 0, 31, 12, 34, 56, 789),
    random: () => {
      seed = (seed * 16807) % 2147483647;
      return (seed - 1) / 2147483646;
    },
    userVariables: new Map(),
    systemVariable: (name) => {
      if (name === 'version') return '8.0.40-vtsim';
      if (name === 'autocommit') return 1n;
      throw new SqlError(1193, 'HY000', `Unknown system variable '${name}'`);
    },
  };
}

/** Column type from DDL text, e.g. `decimal(10,2)`. */
export function colType(ddl: string): ColumnType {
  const ast = parseStatement(`create table t (c ${ddl})`);
  const def = ast.create_definitions[0];
  return parseColumnType(def.definition, { charset: def.character_set?.value.value, collate: def.collate?.collate.name });
}

/** Columns a..e of a test row, with declared types. */
export interface TestColumn {
  name: string;
  type: string | null;
}

/** Compiles a select expression against named, typed columns. */
export function compile(expr: string, columns: TestColumn[] = [], extra: Partial<ExprScope> = {}): CompiledExpr {
  const ast = parseStatement(`select ${expr} from t`).columns[0].expr;
  const scope: ExprScope = {
    column: (_table, name) => {
      const i = columns.findIndex((c) => c.name === name);
      if (i < 0) throw new SqlError(1054, '42S22', `Unknown column '${name}' in 'field list'`);
      const t = columns[i]!.type;
      return { index: i, type: t ? colType(t) : null };
    },
    database: 'vt_commerce',
    ...extra,
  };
  return compileExpr(ast, scope);
}

/** Evaluates a select expression; `row` holds the values of `columns` in order. */
export function ev(expr: string, opts: { columns?: TestColumn[]; row?: SqlValue[]; bindVars?: BindVars; session?: SessionContext } = {}): SqlValue {
  const f = compile(expr, opts.columns ?? []);
  return f({ row: opts.row ?? [], bindVars: opts.bindVars ?? {}, session: opts.session ?? testSession() });
}

/** The static result type of a select expression. */
export function typeOf(expr: string, columns: TestColumn[] = []): Type {
  return compile(expr, columns).type;
}

/** Runs `f` and returns the SqlError it throws (fails the test if it does not throw one). */
export function errorOf(f: () => unknown): SqlError {
  try {
    f();
  } catch (e) {
    if (e instanceof SqlError) return e;
    throw e;
  }
  throw new Error('expected a SqlError');
}
