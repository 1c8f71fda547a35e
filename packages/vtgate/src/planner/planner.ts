/**
 * Building a plan for one normalized statement (Vitess's planbuilder): parse once, pick the
 * planner for the statement type. Plans are cached by the executor, so this runs once per
 * distinct (normalized SQL, keyspace, tablet type).
 */
import { ER, sqlError } from '@vtsim/proto';
import { parseStatement, unquoteIdent } from '@vtsim/sql';
import { Route } from '../engine/route.js';
import { planDml } from './dml-planner.js';
import { planInsert } from './insert-planner.js';
import type { Plan, PlanContext } from './plan.js';
import { stripQualifiers } from './query-text.js';
import { planSelect } from './select-planner.js';

const SELECT_NEXT = /^\s*select\s+next\s+(?:\S+)\s+values?\s+from\s+((?:`[^`]+`|[\w$]+)(?:\.(?:`[^`]+`|[\w$]+))?)\s*;?\s*$/i;

/**
 * Builds the plan of a SELECT, INSERT, REPLACE, UPDATE or DELETE. Throws the parser's 1064 for
 * bad SQL, the VSchema's errors for unknown tables, and 1235 `VT12001: unsupported: …` for statements
 * vtgate cannot route.
 */
export function buildPlan(sql: string, ctx: PlanContext): Plan {
  const next = SELECT_NEXT.exec(sql);
  if (next) return planSelectNext(sql, next[1]!, ctx);
  const ast = parseStatement(sql);
  switch (ast.type) {
    case 'select':
      return planSelect(ast, sql, ctx);
    case 'insert':
    case 'replace':
      return planInsert(ast, sql, ctx);
    case 'update':
    case 'delete':
      return planDml(ast, sql, ctx);
    default:
      throw sqlError(ER.UNKNOWN_ERROR, `unsupported: statement type ${ast.type}`);
  }
}

/** `select next N values from seq`: sent to the sequence table's (unsharded) keyspace. */
function planSelectNext(sql: string, tableSpec: string, ctx: PlanContext): Plan {
  const parts = tableSpec.split('.').map((p) => (p.startsWith('`') ? unquoteIdent(p) : p));
  const [db, name] = parts.length === 2 ? [parts[0]!, parts[1]!] : ['', parts[0]!];
  const table = ctx.vschema.findRoutedTable(db || ctx.keyspace, name, ctx.tabletType);
  if (table.type !== 'sequence' && table.keyspace.sharded) throw sqlError(ER.UNKNOWN_ERROR, `NEXT used on a non-sequence table ${name}`);
  const text = stripQualifiers(sql, db ? new Set([db]) : new Set());
  return {
    type: 'select',
    write: true,
    primitive: new Route({ keyspace: table.keyspace.name, opcode: 'unsharded', query: text, access: { tables: [table.name], write: true } }),
  };
}
