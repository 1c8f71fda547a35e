/**
 * The transaction-control statements node-sql-parser does not parse, recognized from their text:
 * BEGIN, START TRANSACTION with its characteristics, SAVEPOINT, ROLLBACK TO SAVEPOINT, RELEASE
 * SAVEPOINT and SET [GLOBAL | SESSION] TRANSACTION.
 */
import { ER, emptyResult, sqlError, type Result } from '@vtsim/proto';
import type { MysqlSession } from './mysql-session.js';

/** How a recognized statement runs. */
export type TransactionStatementRunner = (session: MysqlSession) => Result;

const NAME = '(?:`((?:[^`]|``)+)`|([\\w$]+))';
const SAVEPOINT = new RegExp(`^savepoint\\s+${NAME}$`, 'is');
const ROLLBACK_TO = new RegExp(`^rollback(?:\\s+work)?\\s+to\\s+(?:savepoint\\s+)?${NAME}$`, 'is');
const RELEASE = new RegExp(`^release\\s+savepoint\\s+${NAME}$`, 'is');
const START = /^start\s+transaction\b(.*)$/is;
const SET_TRANSACTION = /^set\s+(?:(global|session|local)\s+)?transaction\s+(.+)$/is;

/**
 * Plans one of the statements above from its text (comments stripped, no trailing `;`), or
 * returns undefined when the text is none of them. Throws SqlError 1064 for a malformed list of
 * characteristics (READ ONLY together with READ WRITE, an unknown one).
 */
export function planTransactionStatement(text: string): TransactionStatementRunner | undefined {
  if (/^begin(?:\s+work)?$/is.test(text)) return run((s) => s.begin());
  const start = START.exec(text);
  if (start) {
    const readOnly = start[1]!.trim() === '' ? undefined : accessMode(start[1]!, START_OTHER, text);
    return run((s) => s.begin(readOnly));
  }
  let m = SAVEPOINT.exec(text);
  if (m) {
    const name = nameOf(m);
    return run((s) => s.savepoint(name));
  }
  m = ROLLBACK_TO.exec(text);
  if (m) {
    const name = nameOf(m);
    return run((s) => s.rollbackToSavepoint(name));
  }
  m = RELEASE.exec(text);
  if (m) {
    const name = nameOf(m);
    return run((s) => s.releaseSavepoint(name));
  }
  const set = SET_TRANSACTION.exec(text);
  if (set) {
    const scope = (set[1] ?? '').toLowerCase();
    const readOnly = accessMode(set[2]!, SET_OTHER, text);
    if (readOnly === undefined || scope === 'global') return run(() => undefined);
    return run((s) => s.setTransactionAccessMode(readOnly, scope === '' ? 'next' : 'session'));
  }
  return undefined;
}

function run(action: (s: MysqlSession) => void): TransactionStatementRunner {
  return (s) => {
    action(s);
    return emptyResult();
  };
}

function nameOf(m: RegExpExecArray): string {
  return m[1] !== undefined ? m[1].replace(/``/g, '`') : m[2]!;
}

/** START TRANSACTION's other characteristic besides an access mode. */
const START_OTHER = /^with consistent snapshot$/;
/** SET TRANSACTION's other characteristic (isolation levels are accepted; vtsim keeps REPEATABLE READ). */
const SET_OTHER = /^isolation level (?:read uncommitted|read committed|repeatable read|serializable)$/;

/**
 * A comma-separated list of transaction characteristics: the access mode it names (true for READ
 * ONLY), if any. Throws 1064 for an unknown characteristic or two access modes.
 */
function accessMode(list: string, other: RegExp, text: string): boolean | undefined {
  let readOnly: boolean | undefined;
  for (const item of list.split(',')) {
    const c = item.trim().replace(/\s+/g, ' ').toLowerCase();
    if (other.test(c)) continue;
    if ((c !== 'read only' && c !== 'read write') || readOnly !== undefined) syntaxError(text);
    readOnly = c === 'read only';
  }
  return readOnly;
}

function syntaxError(text: string): never {
  throw sqlError(ER.PARSE_ERROR, `You have an error in your SQL syntax; check the manual that corresponds to your MySQL server version for the right syntax to use near '${text.slice(0, 80)}' at line 1`);
}
