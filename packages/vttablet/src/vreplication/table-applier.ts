/**
 * TableApplier: how one source table's row changes are applied to its target table (Vitess's
 * vreplication TablePlan): an INSERT with the FIELD event's column list, and UPDATE and DELETE
 * located by the target table's primary key (every column when it has none).
 */
import type { TableMap } from '@vtsim/binlog';
import { Code, MySqlFlag, VtError, type BindVars, type Field, type QueryResultWire, type RowChange, type RowWire } from '@vtsim/proto';
import type { MysqlSession } from '../mysqld/mysqld.js';
import { lastPkResult } from '../vstreamer/last-pk.js';
import { RowDecoder } from './row-values.js';
import { ident } from './stream-row.js';

/** The statements and decoder of one table, built from a FIELD event; reused for every row change. */
export class TableApplier {
  private readonly decoder: RowDecoder;
  private readonly insertSql: string;
  private readonly updateSql: string;
  private readonly deleteSql: string;
  /** Indexes into the field list of the columns that locate a row. */
  private readonly keyColumns: number[];
  private readonly valueNames: string[];
  private readonly keyNames: string[];
  /** The source's primary-key fields when they are the target's key (a copied row's key is then the copy's last PK). */
  private readonly copyKey: Field[] | undefined;

  /**
   * Plans a table whose source columns are `fields`, against the target table `target` in
   * database `dbName`. Throws VtError FAILED_PRECONDITION when a target primary-key column is
   * not among the source's columns.
   */
  constructor(dbName: string, target: TableMap, fields: readonly Field[]) {
    this.decoder = new RowDecoder(fields.map((f) => f.type));
    const table = `${ident(dbName)}.${ident(target.name)}`;
    const names = fields.map((f) => f.name);
    const lower = names.map((n) => n.toLowerCase());
    const pkNames = target.pkColumns.map((i) => target.fields[i]!.name.toLowerCase());
    const hasPk = pkNames.length > 0;
    this.keyColumns = hasPk
      ? pkNames.map((pk) => {
          const i = lower.indexOf(pk);
          if (i < 0) throw new VtError(Code.FAILED_PRECONDITION, `primary key column ${pk} of table ${target.name} is not in the source's columns`);
          return i;
        })
      : names.map((_, i) => i);
    const sourcePk = fields.flatMap((f, i) => ((f.flags & MySqlFlag.PRI_KEY_FLAG) !== 0 ? [i] : []));
    const sameKey = hasPk && sourcePk.length === this.keyColumns.length && this.keyColumns.every((c) => sourcePk.includes(c));
    this.copyKey = sameKey ? this.keyColumns.map((c) => fields[c]!) : undefined;
    this.valueNames = names.map((_, i) => `a${i}`);
    this.keyNames = this.keyColumns.map((_, i) => `k${i}`);
    const eq = hasPk ? '=' : '<=>';
    const where = this.keyColumns.map((c, i) => `${ident(names[c]!)} ${eq} :k${i}`).join(' and ');
    this.insertSql = `insert into ${table} (${names.map(ident).join(', ')}) values (${this.valueNames.map((n) => ':' + n).join(', ')})`;
    this.updateSql = `update ${table} set ${names.map((n, i) => `${ident(n)} = :a${i}`).join(', ')} where ${where}`;
    this.deleteSql = `delete from ${table} where ${where}`;
  }

  /**
   * The copy's last PK once `row` (a copied row) is applied, as the source's LASTPK event carries
   * it; undefined when the source's primary key is not the target's (or there is none).
   */
  lastPk(row: RowWire): QueryResultWire | undefined {
    if (!this.copyKey) return undefined;
    const values = this.decoder.decode(row);
    return lastPkResult(this.copyKey, this.keyColumns.map((c) => values[c]!));
  }

  /** Applies one row change in the session's open transaction (insert, update or delete by key). */
  apply(session: MysqlSession, change: RowChange): void {
    const before = change.before ? this.decoder.decode(change.before) : null;
    const after = change.after ? this.decoder.decode(change.after) : null;
    const bind: BindVars = {};
    if (after) for (let i = 0; i < after.length; i++) bind[this.valueNames[i]!] = after[i]!;
    if (before) for (let i = 0; i < this.keyColumns.length; i++) bind[this.keyNames[i]!] = before[this.keyColumns[i]!]!;
    if (before && after) session.execute(this.updateSql, bind);
    else if (after) session.execute(this.insertSql, bind);
    else if (before) session.execute(this.deleteSql, bind);
  }
}
