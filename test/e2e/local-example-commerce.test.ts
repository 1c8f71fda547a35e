// Issue 2's first acceptance criterion: the local example's commerce steps through the real
// `mysql` client against a whole in-process cluster (tablets 100–102, vtgate on a free port).
// The schema, the data and the select script are the repo's own files, run as a user runs them;
// the output must be exactly the documented `mysql --table < select_commerce_data.sql`.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeMysqlCli, runMysql } from '../harness/mysql-cli.js';
import { SELECT_COMMERCE_OUTPUT } from '../harness/local-example-output.js';
import { exampleFile, startScenario, type Scenario } from '../harness/scenario.js';

describeMysqlCli('the commerce keyspace through the real mysql client', () => {
  let s: Scenario;
  beforeAll(async () => {
    s = await startScenario({ keyspaces: { commerce: { shards: { '0': [100, 101, 102] }, vschema: exampleFile('vschema_commerce_initial.json') } } });
  });
  afterAll(async () => {
    await s?.close();
  });

  it('runs create_commerce_schema.sql, insert_commerce_data.sql and prints the documented select_commerce_data.sql output', async () => {
    const schema = await runMysql(s.port, ['commerce'], exampleFile('create_commerce_schema.sql'));
    expect(schema).toEqual({ code: 0, stdout: '', stderr: '' });
    const insert = await runMysql(s.port, ['commerce'], exampleFile('insert_commerce_data.sql'));
    expect(insert).toEqual({ code: 0, stdout: '', stderr: '' });
    // --unbuffered: with stdout a pipe rather than a terminal, the client would otherwise hold its
    // tables in a buffer while `\! echo` writes straight through, and the lines would come out of order.
    const select = await runMysql(s.port, ['--unbuffered', '--table'], exampleFile('select_commerce_data.sql'));
    expect(select.stderr).toBe('');
    expect(select.stdout).toBe(SELECT_COMMERCE_OUTPUT);
    expect(select.code).toBe(0);
  });

  // Computed columns that can never be NULL (literals, COUNT(*)) carry MySQL's NOT_NULL flag, so the
  // client does not reserve room for `NULL` and draws them as narrow as MySQL and Vitess: `| 1 |`.
  it('draws narrow computed NOT NULL columns as narrow as MySQL does', async () => {
    const r = await runMysql(s.port, ['--table', 'commerce', '-e', 'select 1; select count(*) as n from customer']);
    expect(r.stdout).toBe('+---+\n| 1 |\n+---+\n| 1 |\n+---+\n+---+\n| n |\n+---+\n| 5 |\n+---+\n');
  });

  it('replicated all of it: three DDLs and twelve inserts, one GTID each, on every tablet', async () => {
    s.expectContiguousGtids('commerce', '0', 3 + 12);
    await s.expectReplicasCaughtUp();
    const rdonly = s.tablet(102).mysqld.createSession({ database: 'vt_commerce' });
    try {
      expect(rdonly.execute('select count(*) from corder').rows).toEqual([[5n]]);
    } finally {
      rdonly.close();
    }
  });
});
