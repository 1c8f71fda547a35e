// `vtsim vstream` run as a process against a cluster's vtgate gRPC port: the seed document's
// session on an unsharded customer/0 — the copy phase, then a live insert — line by line.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startScenario, type Scenario } from '../harness/scenario.js';
import { ensureCliBuilt } from '../harness/vtsim-cli.js';
import { VTSIM_ROOT } from '@vtsim/proto';

const schema = `create table customer(customer_id bigint not null auto_increment, email varbinary(128), primary key(customer_id)) ENGINE=InnoDB;`;
const customers = ['alice@domain.com', 'bob@domain.com', 'charlie@domain.com', 'dan@domain.com', 'eve@domain.com'];

/** Runs `vtsim vstream …` and hands out its stdout lines as they come. */
function vstreamProcess(args: string[]) {
  const child = spawn(process.execPath, [join(VTSIM_ROOT, 'packages/cli/dist/main.js'), 'vstream', ...args]);
  const lines: string[] = [];
  let partial = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => {
    const parts = (partial + d.toString('utf8')).split('\n');
    partial = parts.pop()!;
    lines.push(...parts);
  });
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString('utf8')));
  const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
  return {
    lines,
    exited,
    stderr: () => stderr,
    async waitForLines(n: number, timeoutMs = 10_000): Promise<string[]> {
      const deadline = Date.now() + timeoutMs;
      while (lines.length < n) {
        if (Date.now() > deadline) throw new Error(`only ${lines.length} lines after ${timeoutMs} ms: ${lines.join('\n')}\n${stderr}`);
        await new Promise((r) => setTimeout(r, 10));
      }
      return lines.slice(0, n);
    },
    stop: () => child.kill('SIGINT'),
  };
}

describe('vtsim vstream against a running cluster', () => {
  let s: Scenario;
  beforeAll(async () => {
    await ensureCliBuilt();
    s = await startScenario({ keyspaces: { customer: { shards: { '0': [200, 201, 202] }, schema } } });
    for (const email of customers) await s.mysql(`insert into customer(email) values('${email}')`, 'customer');
  }, 180_000);
  afterAll(() => s?.close());

  it('prints the copy phase as the seed document shows it, then a live insert', async () => {
    const uuid = s.tablet(200).mysqld.serverUuid;
    const p = vstreamProcess(['--server', s.grpcAddress, '--keyspace', 'customer', '--shard', '0', '--filter', 'customer:select * from customer']);
    try {
      const copy = await p.waitForLines(5);
      const gtid = `gtid:"MySQL56/${uuid}:1-6"`;
      // As in the seed document, plus the keyspace and shard current Vitess sets on every event.
      expect(copy[0]).toBe('[type:BEGIN keyspace:"customer" shard:"0"  type:FIELD field_event:<table_name:"customer.customer" fields:<name:"customer_id" type:INT64 table:"customer" org_table:"customer" database:"vt_customer" org_name:"customer_id" column_length:20 charset:63 flags:49667 column_type:"bigint" > fields:<name:"email" type:VARBINARY table:"customer" org_table:"customer" database:"vt_customer" org_name:"email" column_length:128 charset:63 flags:128 column_type:"varbinary(128)" > keyspace:"customer" shard:"0" enum_set_string_values:true > keyspace:"customer" shard:"0" ]');
      expect(copy[1]).toBe(`[type:VGTID vgtid:<shard_gtids:<keyspace:"customer" shard:"0" ${gtid} > > keyspace:"customer" shard:"0" ]`);
      expect(copy[2]).toMatch(/^\[type:ROW row_event:<table_name:"customer.customer" row_changes:<after:<lengths:1 lengths:16 values:"1alice@domain.com" > > keyspace:"customer" shard:"0" > keyspace:"customer" shard:"0" {2}type:ROW/);
      expect(copy[2]).toContain(`type:VGTID vgtid:<shard_gtids:<keyspace:"customer" shard:"0" ${gtid} table_p_ks:<table_name:"customer" lastpk:<`);
      expect(copy[2]).toContain('rows:<lengths:1 values:"5" >');
      expect(copy[2]).toMatch(/type:COMMIT keyspace:"customer" shard:"0" \]$/);
      expect(copy[3]).toBe(`[type:BEGIN keyspace:"customer" shard:"0"  type:VGTID vgtid:<shard_gtids:<keyspace:"customer" shard:"0" ${gtid} > > keyspace:"customer" shard:"0"  type:COMMIT keyspace:"customer" shard:"0" ]`);
      expect(copy[4]).toBe('[type:COPY_COMPLETED keyspace:"customer" shard:"0"  type:COPY_COMPLETED ]');

      await s.mysql("insert into customer(customer_id, email) values(6,'rohit@planetscale.com'), (7,'mlord@planetscale.com')", 'customer');
      const [live] = (await p.waitForLines(6)).slice(5);
      expect(live).toMatch(/^\[type:BEGIN timestamp:\d+ current_time:\d{19} keyspace:"customer" shard:"0" {2}type:FIELD /);
      expect(live).toContain('row_changes:<after:<lengths:1 lengths:21 values:"6rohit@planetscale.com" > > row_changes:<after:<lengths:1 lengths:21 values:"7mlord@planetscale.com" > >');
      expect(live).toContain(`gtid:"MySQL56/${uuid}:1-7"`);
    } finally {
      p.stop();
      expect(await p.exited).toBe(0);
    }
  });

  it('fails with the gRPC code and Vitess message for a shard that does not exist', async () => {
    const p = vstreamProcess(['--server', s.grpcAddress, '--keyspace', 'customer', '--shard', '-80', '--gtid', 'current']);
    expect(await p.exited).toBe(1);
    expect(p.stderr()).toMatch(/^ERROR: FAILED_PRECONDITION: .*shard provided in VGTID, -80, not found in the customer keyspace\n$/);
  });
});
