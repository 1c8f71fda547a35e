/**
 * VtgateHandler: the MySQL protocol's session handler backed by the executor (Vitess's
 * vtgateHandler in plugin_mysql_server.go): one per client connection, owning one session.
 */
import { ER, SqlError, sqlError, type Result } from '@vtsim/proto';
import type { Executor } from './executor.js';
import type { MysqlConnectionInfo, MysqlSessionHandler, MysqlSessionStatus } from './mysql-server/index.js';
import type { VtgateSession } from './vtgate-session.js';

/** Runs one connection's statements through the executor. */
export class VtgateHandler implements MysqlSessionHandler {
  readonly session: VtgateSession;

  private constructor(private readonly executor: Executor, info: MysqlConnectionInfo) {
    this.session = executor.newSession({ user: info.user, connectionId: info.connectionId });
    this.session.clientFoundRows = info.clientFoundRows ?? false;
  }

  /** Makes the handler of a new connection; a database named in the handshake becomes the target (1049 if unknown). */
  static async create(executor: Executor, info: MysqlConnectionInfo): Promise<VtgateHandler> {
    const h = new VtgateHandler(executor, info);
    if (info.database) await executor.useTarget(h.session, info.database);
    return h;
  }

  async query(sql: string): Promise<Result> {
    try {
      return await this.executor.execute(this.session, sql);
    } catch (err) {
      throw asSqlError(err);
    }
  }

  async useDatabase(db: string): Promise<void> {
    try {
      await this.executor.useTarget(this.session, db);
    } catch (err) {
      throw asSqlError(err);
    }
  }

  status(): MysqlSessionStatus {
    return { inTransaction: this.session.inTransaction, autocommit: this.session.autocommit };
  }

  close(): void {
    void this.executor.closeSession(this.session);
  }
}

/** Any failure as a SqlError; unexpected ones become errno 1105 with their message. */
function asSqlError(err: unknown): SqlError {
  if (err instanceof SqlError) return err;
  return sqlError(ER.UNKNOWN_ERROR, err instanceof Error ? err.message : String(err));
}
