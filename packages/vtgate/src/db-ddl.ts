/**
 * CREATE DATABASE / DROP DATABASE through vtgate (Vitess's DBDDL primitive and its plugins): vtgate
 * itself only checks whether the keyspace exists; creating or removing it is the job of a plugin
 * the host registers (vtcombo's creates an unsharded keyspace with tablets). Without one, both
 * statements fail as with Vitess's default plugin: ERROR 1235 (42000)
 * `VT12001: unsupported: create database by failDBDDL`.
 */
import { Code, ER, sqlError } from '@vtsim/proto';
import { SqlLexer, Tok, unquoteIdent } from '@vtsim/sql';

/** Creates and drops keyspaces for CREATE/DROP DATABASE (Vitess's engine.DBDDLPlugin). */
export interface DbDdlPlugin {
  /** Creates keyspace `name`; resolves once it is in the topology (vtgate then waits until it serves). */
  createDatabase(name: string): Promise<void>;
  /** Removes keyspace `name` with its shards and tablets; vtgate then waits until it no longer knows it. */
  dropDatabase(name: string): Promise<void>;
}

/** Vitess's default plugin (failDBDDL): refuses both statements. */
export const FAIL_DB_DDL_PLUGIN: DbDdlPlugin = {
  createDatabase: () => Promise.reject(sqlError(ER.NOT_SUPPORTED_YET, 'VT12001: unsupported: create database by failDBDDL', Code.UNIMPLEMENTED)),
  dropDatabase: () => Promise.reject(sqlError(ER.NOT_SUPPORTED_YET, 'VT12001: unsupported: drop database by failDBDDL', Code.UNIMPLEMENTED)),
};

/** A parsed CREATE/DROP DATABASE (or SCHEMA) statement. */
export interface DbDdl {
  create: boolean;
  name: string;
  /** IF NOT EXISTS (create) or IF EXISTS (drop). */
  ifExists: boolean;
}

/**
 * Parses `CREATE {DATABASE|SCHEMA} [IF NOT EXISTS] name [create options]` and
 * `DROP {DATABASE|SCHEMA} [IF EXISTS] name`; null for any other statement. Create options
 * (`[DEFAULT] CHARACTER SET [=] x`, `COLLATE [=] x`, `ENCRYPTION [=] 'N'`) are accepted and
 * ignored, as Vitess ignores them. Throws SqlError 1064 for a malformed statement of this family.
 */
export function parseDbDdl(sql: string): DbDdl | null {
  const lx = new SqlLexer(sql.replace(/[\s;]+$/, ''));
  lx.next();
  const create = lx.isWord('CREATE');
  if (!create && !lx.isWord('DROP')) return null;
  lx.next();
  if (!lx.isWord('DATABASE') && !lx.isWord('SCHEMA')) return null;
  lx.next();
  let ifExists = false;
  if (lx.isWord('IF')) {
    lx.next();
    if (create) expectWord(lx, 'NOT');
    expectWord(lx, 'EXISTS');
    ifExists = true;
  }
  if (lx.kind !== Tok.WORD && lx.kind !== Tok.QUOTED_IDENT) throw lx.syntaxError();
  const name = lx.kind === Tok.WORD ? lx.text() : unquoteIdent(lx.text());
  if (lx.next() !== Tok.EOF) {
    if (!create) throw lx.syntaxError();
    skipCreateOptions(lx);
  }
  return { create, name, ifExists };
}

function skipCreateOptions(lx: SqlLexer): void {
  while (lx.kind !== Tok.EOF) {
    if (lx.isWord('DEFAULT')) lx.next();
    if (lx.isWord('CHARACTER')) {
      lx.next();
      expectWord(lx, 'SET');
    } else if (lx.isWord('CHARSET') || lx.isWord('COLLATE') || lx.isWord('ENCRYPTION')) {
      lx.next();
    } else {
      throw lx.syntaxError();
    }
    if (lx.isPunct('=')) lx.next();
    if (lx.kind !== Tok.WORD && lx.kind !== Tok.STRING && lx.kind !== Tok.QUOTED_IDENT) throw lx.syntaxError();
    lx.next();
  }
}

function expectWord(lx: SqlLexer, word: string): void {
  if (!lx.isWord(word)) throw lx.syntaxError();
  lx.next();
}
