// Issue 11's yardstick: every statement of categories/*.sql runs on vtsim (through vtgate's MySQL
// port with mysql2, on an unsharded keyspace and on a two-shard keyspace with a hash vindex) and on
// Debian's MariaDB (started here with MySQL 8's default sql_mode), and the answers are compared
// (see compare.ts). Agreement per category and in total, and every disagreement, are written to
// test-results/differential/; the test holds agreement at or above the ratchet (ratchet.ts).
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type mysql from 'mysql2/promise';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { VTSIM_ROOT } from '@vtsim/proto';
import { describeMariadb, startMariadb, type MariadbServer } from '../harness/mariadb-server.js';
import { startScenario, type Scenario } from '../harness/scenario.js';
import { disagreement, expectedOutcome } from './compare.js';
import { runStatement, type Outcome } from './outcome.js';
import { RATCHET } from './ratchet.js';
import { percent, tally, writeReport, type Verdict } from './report.js';
import { DIFFERENTIAL_DIR, loadCategories, loadSetup, parseCategory, type Statement } from './statements.js';

/** MySQL 8's default sql_mode, which the reference runs with. */
const MYSQL8_SQL_MODE = 'ONLY_FULL_GROUP_BY,STRICT_TRANS_TABLES,NO_ZERO_IN_DATE,NO_ZERO_DATE,ERROR_FOR_DIVISION_BY_ZERO,NO_ENGINE_SUBSTITUTION';
/** The keyspaces on vtsim, and the databases of the same names on MariaDB. */
const UNSHARDED = 'diffu';
const SHARDED = 'diffs';
/** A statement that has not answered in this long counts as an error (and its connection is replaced). */
const STATEMENT_TIMEOUT_MS = 5000;

/** A connection that is replaced when a statement kills it. */
class Session {
  private conn!: mysql.Connection;
  constructor(private readonly open: () => Promise<mysql.Connection>) {}
  async start(): Promise<void> {
    this.conn = await this.open();
  }
  async run(sql: string): Promise<Outcome> {
    try {
      return await runStatement(this.conn, sql, STATEMENT_TIMEOUT_MS);
    } catch (err) {
      this.conn.destroy();
      await this.start();
      const e = err as { errno?: number; message?: string };
      return { kind: 'error', errno: e.errno ?? -1, message: `connection lost: ${e.message ?? String(err)}` };
    }
  }
  async end(): Promise<void> {
    await this.conn.end().catch(() => this.conn.destroy());
  }
}

/** Runs statements in order on a fresh session (so session state does not leak between categories). */
async function runAll(open: () => Promise<mysql.Connection>, sqls: string[]): Promise<Outcome[]> {
  const session = new Session(open);
  await session.start();
  const out: Outcome[] = [];
  for (const sql of sqls) out.push(await session.run(sql));
  await session.end();
  return out;
}

describeMariadb('differential suite: vtsim vs MariaDB (MySQL 8 semantics)', () => {
  let maria: MariadbServer;
  let vtsim: Scenario;
  const categories = loadCategories();
  const setup = loadSetup();
  const setupErrors: string[] = [];

  const targets = () => ({
    vtsimUnsharded: () => vtsim.connect(UNSHARDED),
    vtsimSharded: () => vtsim.connect(SHARDED),
    mariaUnsharded: () => maria.connect(UNSHARDED),
    mariaSharded: () => maria.connect(SHARDED),
  });

  beforeAll(async () => {
    [maria, vtsim] = await Promise.all([
      startMariadb(),
      startScenario({
        keyspaces: {
          [UNSHARDED]: { shards: { '0': [100] } },
          [SHARDED]: { shards: { '-80': [200], '80-': [300] }, vschema: readFileSync(join(DIFFERENTIAL_DIR, 'vschema.json'), 'utf8') },
        },
      }),
    ]);
    const admin = await maria.connect();
    await admin.query(`set global sql_mode = '${MYSQL8_SQL_MODE}'`);
    await admin.query(`create database ${UNSHARDED} character set utf8mb4`);
    await admin.query(`create database ${SHARDED} character set utf8mb4`);
    await admin.end();
    await Promise.all(Object.entries(targets()).map(async ([name, open]) => {
      const outcomes = await runAll(open, setup);
      outcomes.forEach((o, i) => o.kind === 'error' && setupErrors.push(`${name}: ${setup[i]} → ${o.errno} ${o.message}`));
    }));
  }, 60_000);
  afterAll(async () => {
    await vtsim?.close();
    await maria?.stop();
  });

  it('sets up the same tables and rows on every target', () => {
    expect(setupErrors).toEqual([]);
  });

  it(`runs at least ${RATCHET.minStatements} statements, agreeing at least as often as the ratchet`, async () => {
    const verdicts: Verdict[] = [];
    const t = targets();
    for (const category of categories) {
      const sqls = category.statements.map((s) => s.sql);
      const [vu, vs, mu, ms] = await Promise.all([t.vtsimUnsharded, t.vtsimSharded, t.mariaUnsharded, t.mariaSharded].map((open) => runAll(open, sqls)));
      category.statements.forEach((stmt, i) => {
        for (const [keyspace, actual, reference, database] of [['unsharded', vu[i], mu[i], UNSHARDED], ['sharded', vs[i], ms[i], SHARDED]] as const) {
          const expected = expectedOutcome(stmt, reference, database);
          verdicts.push({ stmt, keyspace, actual, expected, differs: disagreement(stmt, keyspace === 'sharded', actual, expected) });
        }
      });
    }
    const summary = writeReport(join(VTSIM_ROOT, 'test-results', 'differential'), verdicts);
    console.log(`differential suite (report: test-results/differential/report.md)\n${summary.join('\n')}`);
    expect(categories.reduce((n, c) => n + c.statements.length, 0)).toBeGreaterThanOrEqual(RATCHET.minStatements);
    expect(percent(tally(verdicts, 'unsharded').total)).toBeGreaterThanOrEqual(RATCHET.unsharded);
    expect(percent(tally(verdicts, 'sharded').total)).toBeGreaterThanOrEqual(RATCHET.sharded);
  }, 120_000);

  it('reports a statement known to differ as differing, and its agreeing twin as agreeing', async () => {
    const [differs, agrees] = parseCategory('self-check', [
      '-- @mysql8 {"rows":[["2"]]} self-check: the expected answer is made wrong on purpose',
      'select 1 as x',
      'select 1 as x',
    ].join('\n')).statements as [Statement, Statement];
    const [actual] = await runAll(targets().vtsimUnsharded, [differs.sql]);
    const [reference] = await runAll(targets().mariaUnsharded, [differs.sql]);
    const verdicts: Verdict[] = [differs, agrees].map((stmt) => {
      const expected = expectedOutcome(stmt, reference);
      return { stmt, keyspace: 'unsharded', actual, expected, differs: disagreement(stmt, false, actual, expected) };
    });
    expect(verdicts.map((v) => v.differs)).toEqual(['row values', undefined]);
    const dir = mkdtempSync(join(tmpdir(), 'vtsim-differential-'));
    try {
      expect(writeReport(dir, verdicts)).toContain('| self-check | 2 | 1 (50 %) | 0 (100 %) |');
      const report = readFileSync(join(dir, 'report.md'), 'utf8');
      expect(report).toContain('### self-check:2 (unsharded) — row values\n```sql\nselect 1 as x\n```\n- vtsim: [x:integer(8)] 1 row(s): ("1")');
      expect(report).not.toContain('### self-check:3');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
