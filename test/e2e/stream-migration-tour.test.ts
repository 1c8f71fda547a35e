// Issue 5, item 3: `vtsim example` (npm run example) as a learner runs it — the local example 101 →
// 306 in one process with a VStream client attached to customer/0 after 205, its responses printed
// next to the steps in the seed document's text form. Runs the built command as a process.
import { beforeAll, describe, expect, it } from 'vitest';
import { ensureCliBuilt, freePort, runVtsim, type ProcessRun } from '../harness/vtsim-cli.js';

describe('vtsim example', () => {
  let run: ProcessRun;
  let sections: Map<string, string>;
  beforeAll(async () => {
    await ensureCliBuilt();
    run = await runVtsim(['example', '--mysql-port', String(await freePort())]);
    sections = new Map();
    for (const part of run.stdout.split('\n=== ').slice(1)) sections.set(part.slice(0, part.indexOf('\n')), part);
  }, 60_000);

  it('runs every step of the local example from 101 to 306 and exits 0', () => {
    // vtsim's own mysql client (no mysql installed) prints 205's expected ERROR 1146 to stderr.
    expect(run.stderr.split('\n').filter((l) => l !== '' && !l.startsWith('ERROR 1146 (42S02)'))).toEqual([]);
    expect(run.code).toBe(0);
    const steps = [...sections.keys()].map((k) => k.split(' ')[0]);
    for (const script of ['101_initial_cluster.sh', '201_customer_tablets.sh', '202_move_tables.sh', '203_switch_reads.sh', '204_switch_writes.sh', '205_clean_commerce.sh',
      '301_customer_sharded.sh', '302_new_shards.sh', '303_reshard.sh', '304_switch_reads.sh', '305_switch_writes.sh', '306_down_shard_0.sh']) {
      expect(steps).toContain(script);
    }
    expect(run.stdout).toMatch(/\nDone in [\d.]+ s: the cluster is torn down\.\n$/);
  });

  it('prints the copy phase of customer/0 as the seed document shows it, each response with a note', () => {
    const vstream = [...sections.entries()].find(([k]) => k.startsWith('a VStream client on customer/0'))![1];
    const lines = vstream.split('\n').filter((l) => l.startsWith('  ['));
    expect(lines).toHaveLength(5);
    expect(lines[0]).toMatch(/^ {2}\[type:BEGIN .* type:FIELD field_event:<table_name:"customer\.customer" fields:<name:"customer_id" type:INT64 .*flags:49667 .*fields:<name:"email" type:VARBINARY .*flags:128 /);
    expect(lines[1]).toMatch(/^ {2}\[type:VGTID vgtid:<shard_gtids:<keyspace:"customer" shard:"0" gtid:"MySQL56\/[0-9a-f-]{36}:1-\d+" > > /);
    expect(lines[2]).toContain('values:"1alice@domain.com"');
    expect(lines[2]).toContain('values:"5eve@domain.com"');
    expect(lines[2]).toMatch(/table_p_ks:<table_name:"customer" lastpk:<.*rows:<lengths:1 values:"5" >/);
    expect(lines[3]).toMatch(/^ {2}\[type:BEGIN .* type:VGTID .* type:COMMIT /);
    expect(lines[4]).toMatch(/^ {2}\[type:COPY_COMPLETED keyspace:"customer" shard:"0" {2}type:COPY_COMPLETED \]$/);
    expect(vstream.split('\n').filter((l) => l.startsWith('    ↳ '))).toHaveLength(5);
  });

  it('shows the DDL and OTHER of 301, the move to 80- and -80 at 305, and the insert of 6 and 7 from 80-', () => {
    const received = (script: string) => sections.get(script)!.split('\n').filter((l) => l.startsWith('  ['));
    const ddl = [...sections.entries()].filter(([k]) => /^30[1-4]_/.test(k)).flatMap(([k]) => received(k));
    expect(ddl).toHaveLength(2);
    expect(ddl[0]).toMatch(/type:DDL .*statement:"alter table customer change customer_id customer_id bigint not null"/);
    expect(ddl[1]).toMatch(/type:OTHER /);
    const cutover = received('305_switch_writes.sh');
    const moved = cutover.findIndex((l) => l.includes('shard:"80-"'));
    expect(moved).toBeGreaterThan(0);
    for (const l of cutover.slice(0, moved)) expect(l).toMatch(/^ {2}\[type:BEGIN .*shard:"0" .*type:COMMIT /);
    expect(cutover[moved]).toMatch(/vgtid:<shard_gtids:<keyspace:"customer" shard:"80-" gtid:"[^"]+" > shard_gtids:<keyspace:"customer" shard:"-80" gtid:"[^"]+" > >/);
    expect(sections.get('305_switch_writes.sh')).toContain('↳ the stream moved to 80-, -80');
    const insert = [...sections.entries()].find(([k]) => k.startsWith('mysql -e "insert into customer'))![1];
    const [tx, ...rest] = insert.split('\n').filter((l) => l.startsWith('  ['));
    expect(rest).toEqual([]);
    expect(tx).toMatch(/type:FIELD .*name:"customer_id" .*flags:53251 /);
    expect(tx).toMatch(/row_changes:<after:<lengths:1 lengths:21 values:"6rohit@planetscale\.com" > > row_changes:<after:<lengths:1 lengths:21 values:"7mlord@planetscale\.com" > >/);
    expect(tx).toContain('keyspace:"customer" shard:"80-"');
  });
});
