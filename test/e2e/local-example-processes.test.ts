// Issue 14, item 3: the local example's scripts with `TOPO=etcd2 VTSIM_PROCESSES=1` start one
// process per component, as Vitess's own scripts do — etcd (topo-up.sh), `vtsim vtctld`,
// `vtsim vtgate`, `vtsim vtorc` and a `vtsim vttablet` per tablet — each with its pid file and
// output under VTDATAROOT, on free ports given through the scripts' environment (never the
// contract ports, which local-example-scripts.test.ts owns). The documented outputs are those of
// the in-memory run (local-example-output.ts); MoveTables runs from the vtctld process through the
// tablets' TabletManager gRPC service, its VReplication inside the target tablet's process; 401
// stops every process and frees every port.
import { readFileSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { VTSIM_ROOT } from '@vtsim/proto';
import { describeEtcd } from '../harness/etcd-server.js';
import { SELECT_COMMERCE_OUTPUT, selectCustomerOutput } from '../harness/local-example-output.js';
import { mysqlCliInstalled } from '../harness/mysql-cli.js';
import { ensureCliBuilt, freePort, processAlive, runProcess, vtsimEnv, type ProcessRun } from '../harness/vtsim-cli.js';

const scriptsDir = join(VTSIM_ROOT, 'scripts');

/** Resolves true when something accepts TCP connections on 127.0.0.1:port. */
function listening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/** The lines a run printed on stdout. */
function lines(run: ProcessRun): string[] {
  return run.stdout.split('\n').filter((l) => l !== '');
}

/** The pid a pid file names. */
function pidIn(file: string): number {
  return Number(readFileSync(file, 'utf8').trim());
}

/** The command line of a running process. */
function commandLine(pid: number): string {
  return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ');
}

beforeAll(ensureCliBuilt, 180_000);

describeEtcd('the local example scripts with TOPO=etcd2 VTSIM_PROCESSES=1', () => {
  const vtdataroot = mkdtempSync(join(tmpdir(), 'vtsim-procs-'));
  const elsewhere = mkdtempSync(join(tmpdir(), 'vtsim-cwd-'));
  let env: NodeJS.ProcessEnv;
  let ports: number[];
  const pidFiles = () => [
    ...['etcd', 'vtctld', 'vtgate', 'vtorc'].map((n) => join(vtdataroot, 'tmp', `${n}.pid`)),
    ...(existsSync(vtdataroot) ? readdirSync(vtdataroot).filter((d) => d.startsWith('vt_')).map((d) => join(vtdataroot, d, 'vttablet.pid')) : []),
  ].filter((f) => existsSync(f));

  const script = (name: string, extra: NodeJS.ProcessEnv = {}) =>
    runProcess(join(scriptsDir, name), [], { env: { ...env, ...extra }, cwd: elsewhere, timeoutMs: 120_000 });
  const lib = (name: string, args: string[], extra: NodeJS.ProcessEnv = {}) =>
    runProcess(join(scriptsDir, 'lib', name), args, { env: { ...env, ...extra }, cwd: elsewhere, timeoutMs: 120_000 });
  const withEnv = (text: string) =>
    runProcess('bash', ['-c', `set -euo pipefail\nsource ${join(scriptsDir, 'env.sh')}\n${text}`], { env, cwd: elsewhere, timeoutMs: 120_000 });
  const unbuffered = mysqlCliInstalled ? '--unbuffered ' : '';
  const select = (file: string) => withEnv(`mysql ${unbuffered}--table < ${join(scriptsDir, file)}`);

  beforeAll(async () => {
    const [web, mysqlPort, grpc, vtctldGrpc, vtgateWeb, vtorc, etcd, etcdPeer] = await Promise.all(Array.from({ length: 8 }, () => freePort()));
    // The tablets' ports are a base plus the uid, as the local example's: bases whose uid ports (100-299 above) are free.
    const [tabletBase, tabletGrpcBase] = [(await freePort()) - 300, (await freePort()) - 300];
    ports = [web!, mysqlPort!, grpc!, vtctldGrpc!, vtgateWeb!, vtorc!];
    for (const uid of [100, 200]) ports.push(tabletBase + uid, tabletGrpcBase + uid);
    env = {
      ...vtsimEnv(vtdataroot),
      TOPO: 'etcd2',
      VTSIM_PROCESSES: '1',
      ETCD_SERVER: `127.0.0.1:${etcd}`,
      ETCD_PEER_PORT: String(etcdPeer),
      VTSIM_WEB_PORT: String(web),
      VTSIM_MYSQL_PORT: String(mysqlPort),
      VTSIM_GRPC_PORT: String(grpc),
      VTSIM_VTCTLD_GRPC_PORT: String(vtctldGrpc),
      VTSIM_VTGATE_WEB_PORT: String(vtgateWeb),
      VTSIM_VTORC_PORT: String(vtorc),
      VTSIM_VTTABLET_PORT_BASE: String(tabletBase),
      VTSIM_VTTABLET_GRPC_PORT_BASE: String(tabletGrpcBase),
    };
  });

  afterAll(() => {
    // A failed test may leave processes running: stop each by the pid its pid file names.
    for (const file of pidFiles()) {
      const pid = pidIn(file);
      if (processAlive(pid)) process.kill(pid, 'SIGKILL');
    }
    for (const dir of [vtdataroot, elsewhere]) rmSync(dir, { recursive: true, force: true });
  });

  it('VTSIM_PROCESSES=1 needs TOPO=etcd2, and a component whose etcd does not answer fails with its error, leaving no pid file', async () => {
    const memory = await lib('topo-up.sh', [], { TOPO: 'memory' });
    expect(memory.code).toBe(1);
    expect(memory.stderr).toBe('ERROR: VTSIM_PROCESSES=1 needs TOPO=etcd2: separate processes share the topology in etcd\n');

    const vtctld = await lib('vtctld-up.sh', []);
    expect(vtctld.code).toBe(1);
    expect(lines(vtctld)).toEqual(['Starting vtctld...']);
    expect(vtctld.stderr).toBe(`ERROR: cannot use the etcd2 topology at ${env.ETCD_SERVER} (root /vitess/global): no answer\nERROR: vtctld could not be started!\n`);
    expect(existsSync(join(vtdataroot, 'tmp', 'vtctld.pid'))).toBe(false);
  }, 60_000);

  it('one process per component: tablets, vtctld, vtgate and VTOrc; the example data, MoveTables to customer, then 401 stops them all', async () => {
    const topo = await lib('topo-up.sh', []);
    expect({ code: topo.code, stderr: topo.stderr, out: lines(topo) }).toEqual({ code: 0, stderr: '', out: ['Starting etcd...', 'add zone1 CellInfo', 'etcd is running!'] });

    // A taken port: the process's own error reaches the script's stderr.
    const holder = createServer();
    await new Promise<void>((resolve) => holder.listen(Number(env.VTSIM_VTCTLD_GRPC_PORT), '127.0.0.1', resolve));
    const taken = await lib('vtctld-up.sh', []);
    holder.close();
    expect(taken.code).toBe(1);
    expect(taken.stderr).toBe(`ERROR: port ${env.VTSIM_VTCTLD_GRPC_PORT} (vtctld gRPC) is already in use on 127.0.0.1\nERROR: vtctld could not be started!\n`);

    const vtctld = await lib('vtctld-up.sh', []);
    expect({ code: vtctld.code, stderr: vtctld.stderr, out: lines(vtctld) }).toEqual({ code: 0, stderr: '', out: ['Starting vtctld...', 'vtctld is running!'] });
    expect(commandLine(pidIn(join(vtdataroot, 'tmp', 'vtctld.pid')))).toContain(' vtctld --topo_implementation etcd2 ');
    expect((await withEnv('vtctldclient CreateKeyspace commerce')).code).toBe(0);

    const mysqlctl = await lib('mysqlctl-up.sh', [], { TABLET_UID: '100' });
    expect([mysqlctl.code, lines(mysqlctl)]).toEqual([0, ['Starting MySQL for tablet zone1-0000000100...', 'MySQL for tablet zone1-0000000100 is running!']]);
    const tablet = await lib('vttablet-up.sh', [], { KEYSPACE: 'commerce', TABLET_UID: '100' });
    expect({ code: tablet.code, stderr: tablet.stderr, out: lines(tablet) }).toEqual({ code: 0, stderr: '', out: ['Starting vttablet for zone1-0000000100...', 'vttablet for zone1-0000000100 is running!'] });
    const tabletPid = pidIn(join(vtdataroot, 'vt_0000000100', 'vttablet.pid'));
    expect(commandLine(tabletPid)).toContain(' vttablet ');
    const again = await lib('vttablet-up.sh', [], { KEYSPACE: 'commerce', TABLET_UID: '100' });
    expect(again.code).toBe(1);
    expect(again.stderr).toBe(`ERROR: vttablet for zone1-0000000100 is already running (pid ${tabletPid})\nERROR: vttablet for zone1-0000000100 could not be started!\n`);

    const vtorc = await lib('vtorc-up.sh', []);
    expect(vtorc.code).toBe(0);
    const vtorcPid = pidIn(join(vtdataroot, 'tmp', 'vtorc.pid'));
    expect(lines(vtorc)).toEqual(['Starting vtorc...', 'vtorc is running!', `  - UI: http://localhost:${env.VTSIM_VTORC_PORT}`, `  - Logs: ${vtdataroot}/tmp/vtorc.out`, `  - PID: ${vtorcPid}`]);

    expect((await withEnv(`vtctldclient ApplySchema --sql-file ${scriptsDir}/create_commerce_schema.sql commerce`)).code).toBe(0);
    expect((await withEnv(`vtctldclient ApplyVSchema --vschema-file ${scriptsDir}/vschema_commerce_initial.json commerce`)).code).toBe(0);
    // No replica yet (replicas in their own processes come with replication between processes):
    // vtgate waits for one as --tablet_types_to_wait asks, so briefly here.
    const vtgate = await lib('vtgate-up.sh', ['--gateway_initial_tablet_timeout', '1s']);
    expect({ code: vtgate.code, stderr: vtgate.stderr, out: lines(vtgate) }).toEqual({ code: 0, stderr: '', out: ['Starting vtgate...', 'vtgate is up!'] });
    const vars = (await (await fetch(`http://127.0.0.1:${env.VTSIM_VTGATE_WEB_PORT}/debug/vars`)).json()) as Record<string, unknown>;
    expect(vars).toHaveProperty('HealthcheckConnections');

    expect(await withEnv(`mysql < ${join(scriptsDir, 'insert_commerce_data.sql')}`)).toEqual({ code: 0, stdout: '', stderr: '' });
    expect(await select('select_commerce_data.sql')).toEqual({ code: 0, stdout: SELECT_COMMERCE_OUTPUT, stderr: '' });

    // MoveTables from vtctld's process: VReplication in the customer tablet's process copies from commerce's.
    expect((await withEnv('vtctldclient CreateKeyspace customer')).code).toBe(0);
    expect((await lib('mysqlctl-up.sh', [], { TABLET_UID: '200' })).code).toBe(0);
    expect((await lib('vttablet-up.sh', [], { KEYSPACE: 'customer', TABLET_UID: '200' })).code).toBe(0);
    const run = async (name: string) => {
      const r = await script(name);
      expect({ name, code: r.code, stderr: r.stderr }).toEqual({ name, code: 0, stderr: '' });
      return r;
    };
    const moved = await run('202_move_tables.sh');
    expect(moved.stdout).toContain('The following vreplication streams exist for workflow customer.commerce2customer:');
    expect(moved.stdout).toMatch(/The commerce2customer workflow in the customer keyspace is now running\. Copy phase completed at /);
    await run('203_switch_reads.sh');
    const writes = await run('204_switch_writes.sh');
    expect(writes.stdout).toContain('SwitchTraffic was successful for workflow customer.commerce2customer');
    expect(writes.stdout).toContain('Current State: All Reads Switched. Writes Switched');
    expect(await select('select_customer0_data.sql')).toEqual({ code: 0, stdout: selectCustomerOutput('0', [1, 2, 3, 4, 5]), stderr: '' });

    const pids = pidFiles().map(pidIn);
    expect(pids).toHaveLength(6);
    const teardown = await run('401_teardown.sh');
    const expected = [
      'Stopping vtorc.',
      'Stopping vtgate...',
      'Shutting down tablet zone1-0000000100',
      'Shutting down mysql zone1-0000000100',
      'Shutting down tablet zone1-0000000200',
      'Shutting down mysql zone1-0000000200',
      'Waiting mysqlctl to stop...',
      'Shutting down MySQL for tablet zone1-0000000100...',
      'Shutting down MySQL for tablet zone1-0000000200...',
      'mysqlctls are stopped!',
      'Stopping vtctld...',
      'Stopping etcd...',
      'All good! It looks like every process has shut down',
    ];
    // The mysqlctl-down.sh lines come from background jobs, in any order among their neighbours.
    expect(lines(teardown).sort()).toEqual([...expected].sort());
    expect(lines(teardown).slice(0, 3)).toEqual(expected.slice(0, 3));
    expect(lines(teardown).slice(-3)).toEqual(expected.slice(-3));
    for (const pid of pids) expect(processAlive(pid)).toBe(false);
    expect(readdirSync(vtdataroot)).toEqual([]);
    for (const port of ports) expect(await listening(port)).toBe(false);
  }, 300_000);
});
