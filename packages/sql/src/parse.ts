/**
 * SQL text → AST, over node-sql-parser's MySQL grammar, with an LRU cache keyed by the SQL text
 * (Vitess's sqlparser.Parse plus its plan cache's first level).
 */
import pkg from 'node-sql-parser/build/mysql.js';
import { ER, sqlError } from '@vtsim/proto';

/** A node of node-sql-parser's AST (loosely typed: `type` names the node kind). */
export type Expr = { type: string; [k: string]: any };

/** One parsed statement (node-sql-parser AST root: `select`, `insert`, `update`, `create`, …). */
export type Statement = { type: string; [k: string]: any };

/**
 * Parses SQL text holding one or more `;`-separated statements.
 *
 * The returned ASTs are cached and shared between callers: callers must never mutate them
 * (copy what you need to change). Throws SqlError 1064 (42000) `syntax error at position <n> near '<token>'`
 * on a syntax error and 1065 (`Query was empty`) for empty text.
 */
export function parseStatements(sql: string): Statement[] {
  void pkg; void ER; void sqlError;
  throw new Error(`parseStatements: not implemented yet: ${sql}`);
}

/**
 * Parses SQL text holding exactly one statement (a trailing `;` is allowed).
 *
 * Same caching and error contract as {@link parseStatements}; more than one statement is a 1064 error.
 */
export function parseStatement(sql: string): Statement {
  return parseStatements(sql)[0]!;
}
