// Issue 10, item 4: a safe lifecycle. Bad flags and busy ports are refused before anything starts
// (exit 1, the flag or port named, nothing listening, no process left), in the foreground and with
// --detach (the detached process's error comes back to the caller); a start failing at its schema
// stops what it had started; the other commands find the cluster through VTDATAROOT's state file;
// SIGINT stops it with exit 0 and removes the pid and state files.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { clusterPlace, ensureCliBuilt, freePort, listening, processAlive, runVtsim, vtsimMain, type ClusterPlace } from '../harness/vtsim-cli.js';


/** A base port P with P, P+1 and P+3 free a moment ago. */
async function freeBase(): Promise<number> {
  for (;;) {
    const base = await freePort();
    if (base > 65500) continue;
    if (!(await listening(base + 1)) && !(await listening(base + 3))) return base;
  }
}

/** The pids of processes running the built vtsim command with VTDATAROOT `root` (Linux /proc). */
function clusterProcesses(root: string): number[] {
  const pids: number[] = [];
  for (const entry of existsSync('/proc') ? readdirSync('/proc') : []) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const environ = readFileSync(`/proc/${entry}/environ`, 'utf8');
      const cmdline = readFileSync(`/proc/${entry}/cmdline`, 'utf8');
      if (environ.includes(`VTDATAROOT=${root}\0`) && cmdline.includes(vtsimMain) && processAlive(Number(entry))) pids.push(Number(entry));
    } catch {
      // gone meanwhile, or not ours to read
    }
  }
  return pids;
}

let place: ClusterPlace;
const blockers: Server[] = [];

beforeAll(ensureCliBuilt, 60_000);

afterEach(async () => {
  for (const server of blockers.splice(0)) await new Promise((r) => server.close(r));
  place?.stop();
});

/** Runs `vtsim up …` with the place's VTDATAROOT (no ports appended). */
function up(...args: string[]) {
  return runVtsim(['up', ...args], { env: place.env });
}

/**
 * `up --port <a free base> …args` for a test about something other than ports: another test running
 * meanwhile may take one of the base's ports after freeBase() saw it free, so a start refused for a
 * busy port is tried again on a new base (a few times). Returns the run and the base it used.
 */
async function upOnFreeBase(...args: string[]): Promise<{ run: Awaited<ReturnType<typeof up>>; base: number }> {
  for (let attempt = 1; ; attempt++) {
    const base = await freeBase();
    const run = await up('--port', String(base), ...args);
    if (attempt === 3 || !/^ERROR: port \d+ \(.*\) is already in use/.test(run.stderr)) return { run, base };
  }
}

describe('vtsim up refuses bad input before starting anything', () => {
  it.each([
    [['--port', 'abc'], 'invalid argument "abc" for "--port" flag'],
    [['--port', '70000'], 'invalid argument "70000" for "--port" flag'],
    [['--mysql-port', '-1'], 'invalid argument "-1" for "--mysql-port" flag'],
    [['--keyspaces', 'a', '--num_shards', '0'], "invalid --num_shards value '0'"],
    [['--keyspaces', 'a,b', '--num-shards', '1'], '--keyspaces must be same length as --num_shards'],
    [['--keyspaces', 'a', '--num_shards', 'x'], "invalid --num_shards value 'x'"],
    [['--replica_count=two'], 'invalid argument "two" for "--replica-count" flag'],
    [['--transaction_mode', 'TWOPC'], '--transaction_mode=TWOPC is not supported'],
    [['--mysql_only'], '--mysql_only is not supported'],
    [['--proto_topo', 'keyspaces { name: "k" served_from: "x" }'], '--proto_topo: Keyspace.served_from is not supported'],
    [['--no-such-flag'], "unknown flag: --no-such-flag (run 'vtsim up --help' for the flags)"],
    [['--keyspaces', 'a', '--num-shards', '1', '--schema-dir', '/nonexistent/schema'], 'LoadSchema(): SchemaDir does not exist'],
  ])('%j', async (args, message) => {
    place = await clusterPlace();
    const base = await freeBase();
    for (const detach of [[], ['--detach']]) {
      const run = await up(...(args.includes('--port') ? [] : ['--port', String(base)]), ...args, ...detach);
      expect(run.code).toBe(1);
      expect(run.stdout).toBe('');
      expect(run.stderr).toContain(`ERROR: ${message}`);
    }
    expect(await listening(base)).toBe(false);
    expect(existsSync(place.pidFile)).toBe(false);
    expect(clusterProcesses(place.root)).toEqual([]);
  }, 30_000);
});

describe('a busy port', () => {
  it('is an error naming it, in the foreground and with --detach, leaving no process', async () => {
    place = await clusterPlace();
    const base = await freeBase();
    const blocker = createServer();
    blockers.push(blocker);
    await new Promise<void>((resolve) => blocker.listen(base + 3, '127.0.0.1', resolve));
    for (const detach of [[], ['--detach']]) {
      const run = await up('--port', String(base), '--keyspaces', 'a', '--num-shards', '1', ...detach);
      expect(run).toEqual({ code: 1, stdout: '', stderr: `ERROR: port ${base + 3} (vtgate MySQL) is already in use on 127.0.0.1\n` });
    }
    expect(await listening(base)).toBe(false);
    expect(await listening(base + 1)).toBe(false);
    expect(clusterProcesses(place.root)).toEqual([]);
  }, 30_000);
});

describe('a start that fails at its schema', () => {
  it('stops everything it started and exits 1; --detach reports the error', async () => {
    place = await clusterPlace();
    const schema = join(place.root, 'schema', 'a');
    mkdirSync(schema, { recursive: true });
    writeFileSync(join(schema, '1.sql'), 'create tabel broken (id int);\n');
    for (const detach of [[], ['--detach']]) {
      const { run, base } = await upOnFreeBase('--keyspaces', 'a', '--num-shards', '1', '--schema-dir', join(place.root, 'schema'), ...detach);
      expect(run.code).toBe(1);
      expect(run.stderr).toMatch(/^ERROR: .*syntax error.*tabel/m);
      for (const port of [base, base + 1, base + 3]) expect(await listening(port)).toBe(false);
      expect(existsSync(place.pidFile)).toBe(false);
      expect(clusterProcesses(place.root)).toEqual([]);
    }
  }, 60_000);
});

describe('a running cluster', () => {
  it('is found through VTDATAROOT by status, tablet and down; SIGINT stops a foreground one with exit 0', async () => {
    place = await clusterPlace();
    const base = await freeBase();
    const started = await up('--detach', '--port', String(base), '--keyspaces', 'a', '--num-shards', '1', '--replica-count', '1');
    expect(started.code, started.stderr).toBe(0);
    const state = JSON.parse(readFileSync(join(place.root, 'tmp', 'vtsim.json'), 'utf8')) as Record<string, unknown>;
    expect(state).toMatchObject({ pid: place.pid(), webPort: base, mysqlPort: base + 3, grpcPort: base + 1, vtctldGrpcPort: base + 1 });

    // No --port: the commands read VTDATAROOT's state file.
    const status = await runVtsim(['status'], { env: place.env });
    expect(status.code, status.stderr).toBe(0);
    expect((JSON.parse(status.stdout) as { vtgate: { mysql: string } }).vtgate.mysql).toBe(`127.0.0.1:${base + 3}`);
    const tablet = await runVtsim(['tablet', 'up', '--keyspace', 'a', '--shard', '0', '--uid', '100'], { env: place.env });
    expect(tablet).toEqual({ code: 0, stdout: 'vttablet for zone1-0000000100 is running as REPLICA\n', stderr: '' });
    const pid = place.pid();
    const down = await runVtsim(['down'], { env: place.env });
    expect(down).toEqual({ code: 0, stdout: `vtsim cluster (pid ${pid}) stopped\n`, stderr: '' });
    expect(processAlive(pid)).toBe(false);
    expect(existsSync(join(place.root, 'tmp', 'vtsim.json'))).toBe(false);

    // The foreground: SIGINT → exit 0, files removed.
    const child = spawn(process.execPath, [vtsimMain, 'up', '--port', String(base), '--no-vtgate'], { env: place.env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    while (!out.includes('\n')) await new Promise((r) => setTimeout(r, 25));
    expect(JSON.parse(out)).toMatchObject({ port: base, 'grpc-port': base + 1 });
    expect(existsSync(place.pidFile)).toBe(true);
    child.kill('SIGINT');
    expect(await exited).toBe(0);
    expect(existsSync(place.pidFile)).toBe(false);
    expect(existsSync(join(place.root, 'tmp', 'vtsim.json'))).toBe(false);
    expect(await listening(base)).toBe(false);
  }, 60_000);
});
