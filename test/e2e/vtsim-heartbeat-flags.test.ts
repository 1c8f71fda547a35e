// Keyspace heartbeats switched on from the command line, as CDC test clusters do: `vtsim up
// --heartbeat_enable` for the tablets it creates from --keyspaces, `vtsim tablet up
// --heartbeat_enable --heartbeat_interval` for one tablet. A primary that writes heartbeats moves its
// GTID position on its own; one without stays put.
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ensureCliBuilt, freePort, processAlive, runVtsim, vtsimEnv } from '../harness/vtsim-cli.js';

interface StatusReply {
  tablets: { alias: string; keyspace: string; type: string; position: string }[];
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A detached cluster process in a private VTDATAROOT on free ports; stop() ends it by its pid. */
async function startCluster(...upArgs: string[]) {
  const root = mkdtempSync(join(tmpdir(), 'vtsim-heartbeat-'));
  const env = vtsimEnv(root);
  const ports = ['--port', String(await freePort()), '--grpc-port', String(await freePort()), '--vtctld-grpc-port', String(await freePort())];
  const vtsim = (...args: string[]) => runVtsim([...args, ...ports], { env });
  const pidFile = join(root, 'tmp', 'vtsim.pid');
  const up = await vtsim('up', '--detach', '--mysql-port', String(await freePort()), ...upArgs);
  expect(up.stderr).toBe('');
  expect(up.code).toBe(0);
  /** The GTID count of each primary, by keyspace. */
  const primaries = async () => {
    const status = JSON.parse((await vtsim('status')).stdout) as StatusReply;
    const out: Record<string, number> = {};
    for (const t of status.tablets.filter((t) => t.type === 'PRIMARY')) out[t.keyspace] = Number(/:1-(\d+)$/.exec(t.position)?.[1] ?? 0);
    return out;
  };
  const stop = () => {
    if (existsSync(pidFile)) {
      const pid = Number(readFileSync(pidFile, 'utf8').trim());
      if (processAlive(pid)) process.kill(pid, 'SIGTERM');
    }
    rmSync(root, { recursive: true, force: true });
  };
  return { vtsim, primaries, stop };
}

beforeAll(ensureCliBuilt, 180_000);

describe('heartbeat flags of vtsim up and vtsim tablet up', () => {
  let cluster: Awaited<ReturnType<typeof startCluster>> | undefined;
  afterEach(() => cluster?.stop());

  it('tablet up --heartbeat_enable --heartbeat_interval=50ms makes that primary write heartbeats; others do not', async () => {
    cluster = await startCluster('--keyspaces', 'plain', '--replica-count', '1', '--rdonly-count', '0');
    const hb = await cluster.vtsim('tablet', 'up', '--keyspace', 'beats', '--shard', '0', '--uid', '500', '--heartbeat_enable', '--heartbeat_interval=50ms');
    expect(hb).toEqual({ code: 0, stdout: 'vttablet for zone1-0000000500 is running as PRIMARY\n', stderr: '' });
    const before = await cluster.primaries();
    await sleep(400);
    const after = await cluster.primaries();
    expect(after.plain).toBe(before.plain);
    expect(after.beats! - before.beats!).toBeGreaterThanOrEqual(3);
    const bad = await cluster.vtsim('tablet', 'up', '--keyspace', 'beats', '--shard', '0', '--uid', '501', '--heartbeat-enable', '--heartbeat-interval', 'soon');
    expect(bad).toEqual({ code: 1, stdout: '', stderr: 'ERROR: invalid argument "soon" for "--heartbeat_interval" flag: time: invalid duration "soon"\n' });
  });

  it('up --heartbeat_enable applies to the tablets it creates from --keyspaces', async () => {
    cluster = await startCluster('--keyspaces', 'ks', '--replica-count', '1', '--rdonly-count', '0', '--heartbeat_enable=true', '--heartbeat_interval', '50ms');
    const before = await cluster.primaries();
    await sleep(400);
    const after = await cluster.primaries();
    expect(after.ks! - before.ks!).toBeGreaterThanOrEqual(3);
  });
});
