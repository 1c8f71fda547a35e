// Issue 4, item 5: the local example's scripts (scripts/*.sh) run as a learner runs them — as
// processes, from another directory, with a private VTDATAROOT — against the contract ports
// (vtctld web 15000, vtgate MySQL 15306, vtctld gRPC 15999). Those ports are fixed, so every test
// that runs the scripts lives in this one file and the tests run one after another.
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { VTSIM_ROOT } from '@vtsim/proto';
import { SELECT_COMMERCE_OUTPUT, selectCustomerOutput } from '../harness/local-example-output.js';
import { mysqlCliInstalled } from '../harness/mysql-cli.js';
import { ensureCliBuilt, listening, runProcess, runVtsim, vtsimEnv, type ProcessRun } from '../harness/vtsim-cli.js';

const scriptsDir = join(VTSIM_ROOT, 'scripts');
const contractPorts = [15000, 15001, 15306, 15999, 16000];


/** The lines a run printed on stdout. */
function lines(run: ProcessRun): string[] {
  return run.stdout.split('\n').filter((l) => l !== '');
}

/**
 * A directory holding a link to every executable on PATH except `mysql` and `mariadb`: with it as
 * PATH, env.sh finds no real client and aliases vtsim's own.
 */
function pathWithoutMysql(): string {
  const dir = mkdtempSync(join(tmpdir(), 'vtsim-path-'));
  for (const entry of (process.env.PATH ?? '').split(delimiter)) {
    if (!entry || !existsSync(entry)) continue;
    for (const name of readdirSync(entry)) {
      if (name === 'mysql' || name === 'mariadb' || existsSync(join(dir, name))) continue;
      symlinkSync(join(entry, name), join(dir, name));
    }
  }
  return dir;
}

describe('the local example scripts', () => {
  const vtdataroot = mkdtempSync(join(tmpdir(), 'vtsim-scripts-'));
  // Every script runs from here, not from the repository: they must find their files themselves.
  const elsewhere = mkdtempSync(join(tmpdir(), 'vtsim-cwd-'));
  const noMysqlPath = pathWithoutMysql();
  const env = vtsimEnv(vtdataroot);

  /** Runs scripts/<name> with the given extra environment. */
  const script = (name: string, extra: NodeJS.ProcessEnv = {}) =>
    runProcess(join(scriptsDir, name), [], { env: { ...env, ...extra }, cwd: elsewhere });
  /** Runs a bash script text after `source scripts/env.sh` (aliases and helpers defined). */
  const withEnv = (text: string, extra: NodeJS.ProcessEnv = {}) =>
    runProcess('bash', ['-c', `set -euo pipefail\nsource ${join(scriptsDir, 'env.sh')}\n${text}`], { env: { ...env, ...extra }, cwd: elsewhere });
  const pidFile = join(vtdataroot, 'tmp', 'vtsim.pid');

  beforeAll(async () => {
    await ensureCliBuilt();
    const busy = [];
    for (const port of contractPorts) if (await listening(port)) busy.push(port);
    if (busy.length > 0) {
      throw new Error(`port(s) ${busy.join(', ')} already in use: a cluster left running? (scripts/401_teardown.sh stops one)`);
    }
  });

  afterAll(async () => {
    // A failed test may leave its cluster running: stop it so the ports are free again.
    if (existsSync(pidFile)) await runVtsim(['down'], { env });
    for (const dir of [vtdataroot, elsewhere, noMysqlPath]) rmSync(dir, { recursive: true, force: true });
  });

  it('201 before 101 fails loudly: ERROR on stderr, non-zero exit, no cluster started', async () => {
    const run = await script('201_customer_tablets.sh');
    expect(run.code).not.toBe(0);
    expect(lines(run)).toEqual(['Starting MySQL for tablet zone1-0000000200...']);
    expect(run.stderr).toContain("ERROR: no vtsim cluster is running on 127.0.0.1:15000 (start one with 'vtsim up')");
    expect(run.stderr).toContain('ERROR: MySQL for tablet zone1-0000000200 could not be started');
    expect(existsSync(pidFile)).toBe(false);
  });

  it('stop_process stops the process named by a pid file and skips a missing pid file', async () => {
    const pid = join(vtdataroot, 'sleeper.pid');
    const run = await withEnv(`sleep 60 &
echo $! > ${pid}
stop_process sleeper ${pid}
kill -0 "$(<${pid})" 2>/dev/null && echo still-running
stop_process ghost ${join(vtdataroot, 'ghost.pid')}`);
    expect(run.stderr).toBe('');
    expect(lines(run)).toEqual([
      'Stopping sleeper...',
      `Skipping stopping ghost because the specified PID file (${join(vtdataroot, 'ghost.pid')}) does not exist.`,
    ]);
    expect(run.code).toBe(0);
    rmSync(pid);
  });

  it('the lib helpers build a cluster piece by piece, the mysql alias reaches vtgate, and 401 tears it all down', async () => {
    const topo = await script('lib/topo-up.sh', { CELL: 'zone1' });
    expect(topo.stderr).toBe('');
    expect(lines(topo)).toEqual(['Starting topo (the vtsim cluster process)...', 'add zone1 CellInfo', 'topo is running!']);
    expect(topo.code).toBe(0);
    const clusterPid = Number(readFileSync(pidFile, 'utf8'));
    expect(lines(await script('lib/topo-up.sh'))).toEqual([`The vtsim cluster process is already running (pid ${clusterPid}).`, 'add zone1 CellInfo', 'topo is running!']);

    const vtctld = await script('lib/vtctld-up.sh');
    expect([vtctld.code, lines(vtctld)]).toEqual([0, ['Starting vtctld...', 'vtctld is running!']]);

    for (const uid of [100, 101, 102]) {
      const mysqlctl = await script('lib/mysqlctl-up.sh', { CELL: 'zone1', TABLET_UID: String(uid) });
      expect([mysqlctl.code, lines(mysqlctl)]).toEqual([0, [`Starting MySQL for tablet zone1-0000000${uid}...`, `MySQL for tablet zone1-0000000${uid} is running!`]]);
      const tablet = await script('lib/vttablet-up.sh', { CELL: 'zone1', KEYSPACE: 'commerce', TABLET_UID: String(uid) });
      expect(tablet.stderr).toBe('');
      expect([tablet.code, lines(tablet)]).toEqual([0, [`Starting vttablet for zone1-0000000${uid}...`, `vttablet for zone1-0000000${uid} is running!`]]);
    }
    const again = await script('lib/vttablet-up.sh', { KEYSPACE: 'commerce', TABLET_UID: '100' });
    expect(again.code).not.toBe(0);
    expect(again.stderr).toContain('ERROR: vttablet for zone1-0000000100 could not be started!');

    // DESIGN's example: one more tablet, in a shard of its own, becomes that shard's primary; then it goes away.
    const extra = await script('lib/vttablet-up.sh', { CELL: 'zone1', KEYSPACE: 'customer', SHARD: '-40', TABLET_UID: '500' });
    expect([extra.code, lines(extra)]).toEqual([0, ['Starting vttablet for zone1-0000000500...', 'vttablet for zone1-0000000500 is running!']]);
    const tabletsOf = async () =>
      (JSON.parse((await runVtsim(['status'], { env })).stdout) as { tablets: { alias: string; keyspace: string; shard: string; type: string }[] }).tablets;
    expect(await tabletsOf()).toEqual(expect.arrayContaining([
      expect.objectContaining({ alias: 'zone1-0000000100', keyspace: 'commerce', shard: '0', type: 'PRIMARY' }),
      expect.objectContaining({ alias: 'zone1-0000000101', type: 'REPLICA' }),
      expect.objectContaining({ alias: 'zone1-0000000102', type: 'RDONLY' }),
      expect.objectContaining({ alias: 'zone1-0000000500', keyspace: 'customer', shard: '-40', type: 'PRIMARY' }),
    ]));
    const extraDown = await script('lib/vttablet-down.sh', { CELL: 'zone1', TABLET_UID: '500' });
    expect([extraDown.code, extraDown.stderr]).toEqual([0, '']);
    expect((await tabletsOf()).map((t) => t.alias)).toEqual(['zone1-0000000100', 'zone1-0000000101', 'zone1-0000000102']);
    const downTwice = await script('lib/vttablet-down.sh', { TABLET_UID: '500' });
    expect(downTwice.code).not.toBe(0);
    expect(downTwice.stderr).toContain('ERROR: vttablet for zone1-0000000500 could not be stopped');

    const vtgate = await script('lib/vtgate-up.sh');
    expect([vtgate.code, lines(vtgate)]).toEqual([0, ['Starting vtgate...', 'vtgate is up!']]);
    const vtgateTwice = await script('lib/vtgate-up.sh');
    expect(vtgateTwice.code).not.toBe(0);
    expect(vtgateTwice.stderr).toContain('ERROR: vtgate could not be started!');

    // The example's data through the `mysql` alias: vtsim's own client first, then the real one.
    const standIn = { PATH: noMysqlPath };
    expect((await withEnv('alias mysql', standIn)).stdout).toBe("alias mysql='vtsim mysql -h 127.0.0.1 -P 15306'\n");
    for (const file of ['create_commerce_schema.sql', 'insert_commerce_data.sql']) {
      expect(await withEnv(`mysql commerce < ${join(scriptsDir, file)}`, standIn)).toEqual({ code: 0, stdout: '', stderr: '' });
    }
    expect(await withEnv(`mysql --table < ${join(scriptsDir, 'select_commerce_data.sql')}`, standIn)).toEqual({ code: 0, stdout: SELECT_COMMERCE_OUTPUT, stderr: '' });
    if (mysqlCliInstalled) {
      expect((await withEnv('alias mysql')).stdout).toBe("alias mysql='command mysql --no-defaults -h 127.0.0.1 -P 15306 --binary-as-hex=false'\n");
      // --unbuffered: into a pipe the client would print its tables after the `\! echo` lines.
      expect(await withEnv(`mysql --unbuffered --table < ${join(scriptsDir, 'select_commerce_data.sql')}`)).toEqual({ code: 0, stdout: SELECT_COMMERCE_OUTPUT, stderr: '' });
    }

    const teardown = await script('401_teardown.sh');
    expect(teardown.stderr).toBe('');
    expect(teardown.code).toBe(0);
    const out = lines(teardown);
    expect(out.slice(0, 2)).toEqual(['Stopping vtorc.', 'Stopping vtgate...']);
    for (const uid of [100, 101, 102]) {
      expect(out).toContain(`Shutting down tablet zone1-0000000${uid}`);
      expect(out).toContain(`Shutting down mysql zone1-0000000${uid}`);
      expect(out).toContain(`Shutting down MySQL for tablet zone1-0000000${uid}...`);
    }
    expect(out.slice(-4)).toEqual(['mysqlctls are stopped!', 'Stopping vtctld...', 'Stopping topo (the vtsim cluster process)...', 'All good! It looks like every process has shut down']);
    expect(readdirSync(vtdataroot)).toEqual([]);
    for (const port of contractPorts) expect(await listening(port)).toBe(false);
  }, 120_000);

  it('101 from another directory, the example data through the mysql alias, 201, then 401', async () => {
    const initial = await script('101_initial_cluster.sh');
    expect(initial.stderr).toBe('');
    expect(initial.code).toBe(0);
    const out = lines(initial);
    expect(out.slice(0, 5)).toEqual(['Starting topo (the vtsim cluster process)...', 'add zone1 CellInfo', 'topo is running!', 'Starting vtctld...', 'vtctld is running!']);
    expect(out).toContain('Successfully created keyspace commerce. Result:');
    expect(initial.stdout).toContain('"durability_policy": "semi_sync"');
    expect(initial.stdout).toContain('"sidecar_db_name": "_vt"');
    for (const uid of [100, 101, 102]) {
      expect(out).toContain(`Starting MySQL for tablet zone1-0000000${uid}...`);
      expect(out).toContain(`vttablet for zone1-0000000${uid} is running!`);
    }
    expect(out).toContain('mysqlctls are running!');
    expect(out).toEqual(expect.arrayContaining(['Starting vtorc...', 'vtorc is running!', '  - UI: http://localhost:16000']));
    expect(out.indexOf('vtorc is running!')).toBeGreaterThan(out.indexOf('vttablet for zone1-0000000102 is running!'));
    expect(out).toContain('New VSchema object:');
    expect(out.slice(-2)).toEqual(['Starting vtgate...', 'vtgate is up!']);
    // vtgate's own pages on the local example's vtgate web port, 15001.
    const vars = (await (await fetch('http://127.0.0.1:15001/debug/vars')).json()) as Record<string, unknown>;
    expect(vars).toHaveProperty('HealthcheckConnections');
    expect(await (await fetch('http://127.0.0.1:15001/debug/status')).text()).toContain('commerce');

    const insert = await withEnv(`mysql < ${join(scriptsDir, 'insert_commerce_data.sql')}`);
    expect(insert).toEqual({ code: 0, stdout: '', stderr: '' });
    const unbuffered = mysqlCliInstalled ? '--unbuffered ' : '';
    const select = await withEnv(`mysql ${unbuffered}--table < ${join(scriptsDir, 'select_commerce_data.sql')}`);
    expect(select).toEqual({ code: 0, stdout: SELECT_COMMERCE_OUTPUT, stderr: '' });

    const tablets = await withEnv('vtctldclient GetTablets --keyspace commerce --shard 0');
    expect(tablets.code).toBe(0);
    expect(lines(tablets).map((l) => l.split(/\s+/).slice(0, 4).join(' ')).sort()).toEqual([
      'zone1-0000000100 commerce 0 primary',
      'zone1-0000000101 commerce 0 replica',
      'zone1-0000000102 commerce 0 rdonly',
    ]);

    const customer = await script('201_customer_tablets.sh');
    expect(customer.stderr).toBe('');
    expect(customer.code).toBe(0);
    for (const uid of [200, 201, 202]) expect(lines(customer)).toContain(`vttablet for zone1-0000000${uid} is running!`);
    const customerTablets = await withEnv('vtctldclient GetTablets --keyspace customer --shard 0');
    expect(lines(customerTablets).map((l) => l.split(/\s+/).slice(0, 4).join(' ')).sort()).toEqual([
      'zone1-0000000200 customer 0 primary',
      'zone1-0000000201 customer 0 replica',
      'zone1-0000000202 customer 0 rdonly',
    ]);

    const teardown = await script('401_teardown.sh');
    expect(teardown.stderr).toBe('');
    expect(teardown.code).toBe(0);
    for (const uid of [100, 101, 102, 200, 201, 202]) expect(lines(teardown)).toContain(`Shutting down tablet zone1-0000000${uid}`);
    expect(lines(teardown).at(-1)).toBe('All good! It looks like every process has shut down');
    expect(readdirSync(vtdataroot)).toEqual([]);
    for (const port of contractPorts) expect(await listening(port)).toBe(false);
  }, 180_000);

  // Vitess's own local-example check (local-example.md §11), the NEWEST sequence: every step as a
  // process, the selects through the real mysql client (or vtsim's own without one).
  it('101 → 401: MoveTables, then Reshard, with the documented selects and errors at each step', async () => {
    const unbuffered = mysqlCliInstalled ? '--unbuffered ' : '';
    const run = async (name: string) => {
      const r = await script(name);
      expect({ name, code: r.code, stderr: r.stderr }).toEqual({ name, code: 0, stderr: '' });
      return r;
    };
    const select = (file: string) => withEnv(`mysql ${unbuffered}--table < ${join(scriptsDir, file)}`);

    await run('101_initial_cluster.sh');
    expect((await withEnv(`mysql < ${join(scriptsDir, 'insert_commerce_data.sql')}`)).code).toBe(0);
    expect(await select('select_commerce_data.sql')).toEqual({ code: 0, stdout: SELECT_COMMERCE_OUTPUT, stderr: '' });
    await run('201_customer_tablets.sh');

    const moved = await run('202_move_tables.sh');
    expect(moved.stdout).toContain('The following vreplication streams exist for workflow customer.commerce2customer:');
    expect(moved.stdout).toMatch(/The commerce2customer workflow in the customer keyspace is now running\. Copy phase completed at /);
    const rules = JSON.parse((await withEnv('vtctldclient GetRoutingRules')).stdout) as { rules: { from_table: string; to_tables: string[] }[] };
    expect(rules.rules).toHaveLength(16);
    expect(rules.rules).toContainEqual({ from_table: 'customer', to_tables: ['commerce.customer'] });

    await run('203_switch_reads.sh');
    const writes = await run('204_switch_writes.sh');
    expect(writes.stdout).toContain('SwitchTraffic was successful for workflow customer.commerce2customer');
    expect(writes.stdout).toContain('Current State: All Reads Switched. Writes Switched');
    expect(await select('select_customer0_data.sql')).toEqual({ code: 0, stdout: selectCustomerOutput('0', [1, 2, 3, 4, 5]), stderr: '' });

    const cleaned = await run('205_clean_commerce.sh');
    expect(cleaned.stdout).toContain('Successfully completed the commerce2customer workflow in the customer keyspace');
    const gone = await select('select_commerce_data.sql');
    expect(gone.code).toBe(1);
    expect(gone.stdout).toBe('Using commerce\nCustomer\n');
    expect(gone.stderr).toMatch(/ERROR 1146 \(42S02\) at line 4: .*Table 'vt_commerce\.customer' doesn't exist/);
    expect(JSON.parse((await withEnv('vtctldclient GetRoutingRules')).stdout)).toEqual({ rules: [] });

    await run('301_customer_sharded.sh');
    await run('302_new_shards.sh');
    await run('303_reshard.sh');
    await run('304_switch_reads.sh');
    const switched = await run('305_switch_writes.sh');
    expect(switched.stdout).toContain('SwitchTraffic was successful for workflow customer.cust2cust');
    expect(await select('select_customer-80_data.sql')).toEqual({ code: 0, stdout: selectCustomerOutput('-80', [1, 2, 3, 5]), stderr: '' });
    expect(await select('select_customer80-_data.sql')).toEqual({ code: 0, stdout: selectCustomerOutput('80-', [4]), stderr: '' });

    await run('306_down_shard_0.sh');
    const shards = await withEnv('vtctldclient FindAllShardsInKeyspace customer');
    expect(Object.keys((JSON.parse(shards.stdout) as { shards: object }).shards).sort()).toEqual(['-80', '80-']);
    const teardown = await run('401_teardown.sh');
    expect(lines(teardown).at(-1)).toBe('All good! It looks like every process has shut down');
    for (const port of contractPorts) expect(await listening(port)).toBe(false);
  }, 300_000);
});
