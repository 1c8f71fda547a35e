// Issue 5, item 3: `vtsim example` (npm run example) as a learner runs it — the local example 101 →
// 306 in one process with a VStream client attached to customer/0 after 205, its responses printed
// next to the steps. Issue 12, items 2 and 3: by default one short line a response, with `--raw`
// the seed document's text form as before; routing rules one a line; the live view's address;
// `--pause` with and without a terminal; `--copy-rate` slowing the copies down; bad flags. Runs the
// built command as a process.
import { spawn, spawnSync } from 'node:child_process';
import { beforeAll, describe, expect, it } from 'vitest';
import { ensureCliBuilt, freePort, runVtsim, vtsimMain, type ProcessRun } from '../harness/vtsim-cli.js';

/** The output's `=== <step>` sections by their first line. */
function sectionsOf(stdout: string): Map<string, string> {
  const sections = new Map<string, string>();
  for (const part of stdout.split('\n=== ').slice(1)) sections.set(part.slice(0, part.indexOf('\n')), part);
  return sections;
}

/** This process's environment without colours (the test's environment may force them). */
function plainEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1' };
  delete env.FORCE_COLOR;
  return env;
}

describe('vtsim example --raw (the seed document\'s text form)', () => {
  let run: ProcessRun;
  let sections: Map<string, string>;
  beforeAll(async () => {
    await ensureCliBuilt();
    // --pause with stdin a pipe, not a terminal: noted and ignored.
    run = await runVtsim(['example', '--mysql-port', String(await freePort()), '--port', String(await freePort()), '--raw', '--pause', '--step-delay', '20'], { env: plainEnv() });
    sections = sectionsOf(run.stdout);
  }, 90_000);

  it('says that --pause needs a terminal and runs on', () => {
    expect(run.stdout.split('\n')[0]).toBe('(--pause: stdin is not a terminal, so the tour does not wait for Enter between steps)');
    expect(run.stdout).not.toContain('press Enter');
  });

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

describe('vtsim example (one line a response, for a learner)', () => {
  let run: ProcessRun;
  let webPort: number;
  let sections: Map<string, string>;
  const received = (step: string) => sections.get(step)!.split('\n').filter((l) => /^ {2}customer[/ ]/.test(l));
  beforeAll(async () => {
    await ensureCliBuilt();
    webPort = await freePort();
    run = await runVtsim(['example', '--mysql-port', String(await freePort()), '--port', String(webPort)], { env: plainEnv() });
    sections = sectionsOf(run.stdout);
  }, 90_000);

  it('prints no line over 160 characters, no proto text, and no colour codes without a terminal', () => {
    expect(run.code).toBe(0);
    const long = run.stdout.split('\n').filter((l) => [...l].length > 160);
    expect(long).toEqual([]);
    expect(run.stdout).not.toContain('[type:');
    expect(run.stdout).not.toContain('\x1b[');
  });

  it("starts with the live view's address on the web port", () => {
    expect(run.stdout.split('\n')[0]).toBe(`The live view of this cluster: http://127.0.0.1:${webPort}/ (open it in a browser; it follows every step)`);
  });

  it('prints the routing rules one a line, grouped by table', () => {
    const rules = sections.get('202_move_tables.sh')!.split('\n').filter((l) => l.includes(' → commerce.'));
    expect(rules).toHaveLength(16);
    for (const l of rules) expect(l).toMatch(/^ {4}\S+ +→ commerce\.(customer|corder)$/);
    // corder's eight rules, then customer's.
    expect(rules.slice(0, 8).every((l) => l.endsWith('commerce.corder'))).toBe(true);
    expect(sections.get('202_move_tables.sh')).toContain('  routing rules (16):\n');
    expect(sections.get('205_clean_commerce.sh')).toContain('  routing rules (0): none\n');
  });

  it('prints the copy phase of customer/0 one line a response: columns, snapshot, rows with the last PK, copied, completed', () => {
    const vstream = [...sections.entries()].find(([k]) => k.startsWith('a VStream client on customer/0'))![1];
    const lines = vstream.split('\n').filter((l) => l.startsWith('  customer/'));
    expect(lines).toHaveLength(5);
    expect(lines[0]).toBe('  customer/0  fields customer (customer_id INT64, email VARBINARY)');
    expect(lines[1]).toMatch(/^ {2}customer\/0 {2}VGTID 0@[0-9a-f]{8}…:1-\d+$/);
    expect(lines[2]).toMatch(/^ {2}customer\/0 {2}insert customer \{customer_id: 1, email: alice@domain\.com\}, \{customer_id: 2, email: bob@domain\.com\} \(\+3 more\); VGTID 0@/);
    expect(lines[3]).toMatch(/^ {2}customer\/0 {2}VGTID 0@[0-9a-f]{8}…:1-\d+$/);
    expect(lines[4]).toBe('  customer/0  copy of customer/0 completed; copy completed on every shard');
  });

  it('states the move from 0 to -80 and 80- in one line at 305, then the insert of 6 and 7 from 80-', () => {
    expect(received('301_customer_sharded.sh')).toEqual([
      expect.stringMatching(/^ {2}customer\/0 {2}VGTID 0@\S+; DDL alter table customer change customer_id customer_id bigint not null$/),
      expect.stringMatching(/^ {2}customer\/0 {2}VGTID 0@\S+; OTHER /),
    ]);
    const cutover = received('305_switch_writes.sh');
    const moved = cutover.findIndex((l) => l.includes('moved'));
    expect(moved).toBeGreaterThan(0);
    for (const l of cutover.slice(0, moved)) expect(l).toMatch(/^ {2}customer\/0 {2}VGTID 0@/);
    expect(cutover[moved]).toMatch(/^ {2}customer {2}moved 0 → -80, 80- at the journal \(-80@[0-9a-f]{8}…:1-\d+, 80-@[0-9a-f]{8}…:1-\d+\)$/);
    expect(run.stdout.split('\n').filter((l) => l.includes(' moved '))).toHaveLength(1);
    for (const l of cutover.slice(moved + 1)) expect(l).toMatch(/^ {2}customer\/(-80|80-) {2}VGTID -80@\S+, 80-@/);
    const insert = [...sections.entries()].find(([k]) => k.startsWith('mysql -e "insert into customer'))![1];
    expect(insert.split('\n').filter((l) => l.startsWith('  customer'))).toEqual([
      expect.stringMatching(/^ {2}customer\/80- {2}fields customer; insert customer \{customer_id: 6, email: rohit@planetscale\.com\}, \{customer_id: 7, email: mlord@planetscale\.com\}; VGTID -80@/),
    ]);
  });
});

/** A run's stdout lines, each with the milliseconds since the process started when it arrived. */
async function timedTour(...flags: string[]): Promise<{ code: number; lines: { at: number; text: string }[]; stderr: string }> {
  const args = [vtsimMain, 'example', '--mysql-port', String(await freePort()), '--port', String(await freePort()), ...flags];
  const child = spawn(process.execPath, args, { env: plainEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
  const started = performance.now();
  const lines: { at: number; text: string }[] = [];
  let partial = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => {
    const parts = (partial + d).split('\n');
    partial = parts.pop()!;
    for (const text of parts) lines.push({ at: performance.now() - started, text });
  });
  child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  const code = await new Promise<number>((resolve) => child.on('close', (c) => resolve(c ?? -1)));
  return { code, lines, stderr };
}

describe('vtsim example --copy-rate (slow motion)', () => {
  const RATE = 4;
  let run: Awaited<ReturnType<typeof timedTour>>;
  beforeAll(async () => {
    await ensureCliBuilt();
    run = await timedTour('--copy-rate', String(RATE), '--step-delay', '50');
  }, 120_000);

  /** Milliseconds from the step's title to its first line matching `done`, and the rows that line says were copied. */
  function copyTime(step: string, done: RegExp): { ms: number; rows: number[] } {
    const start = run.lines.findIndex((l) => l.text === `=== ${step}`);
    expect(start).toBeGreaterThan(0);
    const streams = run.lines.slice(start).filter((l) => done.test(l.text));
    expect(streams.length).toBeGreaterThan(0);
    return { ms: streams[0]!.at - run.lines[start]!.at, rows: streams.map((l) => Number(done.exec(l.text)![1])) };
  }

  it('copies at most RATE rows per second per stream: a copy of N rows takes at least N/RATE seconds', () => {
    expect(run.code).toBe(0);
    expect(run.lines.map((l) => l.text)).toContain(`Slow motion: VReplication copies at most ${RATE} rows per second per stream (the fault copy-rate's throttle).`);
    // MoveTables: one stream copies customer and corder, 10 rows.
    const moveTables = copyTime('202_move_tables.sh', /^ {2}id=1 on customer\/0: Status: Running; (\d+) rows copied$/);
    expect(moveTables.rows).toEqual([10]);
    expect(moveTables.ms).toBeGreaterThanOrEqual((10 / RATE) * 1000);
    // Reshard: two streams at once, each at the rate; the first line comes when both are done.
    const reshard = copyTime('303_reshard.sh', /^ {2}id=1 on customer\/(?:-80|80-): Status: Running; (\d+) rows copied$/);
    expect(reshard.rows.reduce((a, b) => a + b, 0)).toBe(10);
    expect(reshard.ms).toBeGreaterThanOrEqual((Math.max(...reshard.rows) / RATE) * 1000);
  });

  it('shows the copy progress moving while it waits: each throttled chunk is committed with its last PK', () => {
    const texts = run.lines.map((l) => l.text);
    const moveTables = texts.slice(texts.indexOf('=== 202_move_tables.sh'), texts.indexOf('=== 203_switch_reads.sh'));
    const copied = (table: string) => moveTables.flatMap((l) => {
      const m = new RegExp(`^ {2}copying ${table}: (\\d+)/5 rows \\(\\d+%\\)$`).exec(l);
      return m ? [Number(m[1])] : [];
    });
    for (const table of ['customer', 'corder']) {
      const seen = copied(table);
      // Rising (RATE 4: a chunk is one row, committed before its 250 ms wait), seen part-way.
      expect(seen).toEqual([...seen].sort((a, b) => a - b));
      expect(seen.some((n) => n > 0 && n < 5)).toBe(true);
    }
  });
});

describe('vtsim example: bad flags', () => {
  it.each([
    [['--copy-rate', '0'], "vtsim example: --copy-rate must be a positive number of rows per second, not '0'"],
    [['--copy-rate', 'fast'], "vtsim example: --copy-rate must be a positive number of rows per second, not 'fast'"],
    [['--copy-rate=-5'], "vtsim example: --copy-rate must be a positive number of rows per second, not '-5'"],
    [['--step-delay', '1.5'], "vtsim example: --step-delay must be a whole number of milliseconds, not '1.5'"],
    [['--step-delay=-1'], "vtsim example: --step-delay must be a whole number of milliseconds, not '-1'"],
    [['--port', '70000'], "vtsim example: --port must be a port number (0 for any free port), not '70000'"],
  ])('%j: exits 1 with a clear error before starting anything', async (flags, error) => {
    await ensureCliBuilt();
    const run = await runVtsim(['example', ...flags]);
    expect(run.code).toBe(1);
    expect(run.stdout).toBe('');
    expect(run.stderr).toBe(`${error}\n`);
  });

  it('refuses an unknown flag and a flag without its value, with the usage', async () => {
    await ensureCliBuilt();
    for (const flags of [['--copy-rates', '5'], ['--step-delay']]) {
      const run = await runVtsim(['example', ...flags]);
      expect(run.code).toBe(1);
      expect(run.stderr).toMatch(/^vtsim example: .*(Unknown option '--copy-rates'|Option '--step-delay <value>' argument missing)/);
      expect(run.stderr).toContain('usage: vtsim example [flags]');
    }
  });
});

// `script` (util-linux) gives the tour a terminal for stdin, as a learner's shell does.
const hasScript = spawnSync('script', ['--version'], { stdio: 'ignore' }).status === 0;
if (!hasScript) console.warn('vtsim example --pause on a terminal: skipped, no script(1) to give it one');

describe.skipIf(!hasScript)('vtsim example --pause on a terminal', () => {
  it('waits for Enter before each step', async () => {
    await ensureCliBuilt();
    const command = [process.execPath, vtsimMain, 'example', '--pause', '--mysql-port', String(await freePort()), '--port', String(await freePort())].join(' ');
    const child = spawn('script', ['-qfec', command, '/dev/null'], { env: plainEnv(), stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
    let exited = false;
    const closed = new Promise<number>((resolve) => child.on('close', (c) => ((exited = true), resolve(c ?? -1))));
    const prompts = () => out.split('press Enter for the next step').length - 1;
    const until = async (done: () => boolean) => {
      while (!done()) {
        if (exited) throw new Error(`the tour exited early:\n${out}`);
        await new Promise((r) => setTimeout(r, 20));
      }
    };
    await until(() => prompts() === 1);
    // Nothing happens while nobody presses Enter.
    await new Promise((r) => setTimeout(r, 700));
    expect(prompts()).toBe(1);
    expect(out).not.toContain('=== mysql < insert_commerce_data.sql');
    for (let pressed = 1; ; pressed++) {
      child.stdin.write('\r');
      await until(() => prompts() > pressed || out.includes('Done in '));
      if (out.includes('Done in ')) break;
    }
    child.stdin.end();
    expect(await closed).toBe(0);
    // 15 steps, 14 waits between them.
    expect(prompts()).toBe(14);
  }, 120_000);
});
