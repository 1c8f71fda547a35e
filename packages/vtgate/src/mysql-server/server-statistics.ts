/**
 * ServerStatistics: the counters behind COM_STATISTICS (`mysqladmin status`, the client's
 * `status` command), shared by all connections of one server.
 */

/** Counts questions and renders MySQL's one-line statistics text. `now` is a monotonic clock in milliseconds. */
export class ServerStatistics {
  /** Statements received (each statement of a multi-statement query counts). */
  questions = 0;
  private readonly startedAt: number;

  constructor(
    private readonly now: () => number,
    private readonly threads: () => number,
  ) {
    this.startedAt = now();
  }

  /** The text MySQL answers COM_STATISTICS with. */
  text(): string {
    const uptime = Math.max(1, Math.floor((this.now() - this.startedAt) / 1000));
    const qps = (this.questions / uptime).toFixed(3);
    return `Uptime: ${uptime}  Threads: ${this.threads()}  Questions: ${this.questions}  Slow queries: 0  Opens: 0  Flush tables: 0  Open tables: 0  Queries per second avg: ${qps}`;
  }
}
