// `--binlog-retention` from the command line: `vtsim up --binlog-retention N` bounds every tablet's
// binlog, so a VStream from a position whose transactions were purged ends with MySQL's 1236 as
// Vitess's vtgate reports it; `vtsim tablet up` takes the flag too and refuses a bad value.
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
  const root = mkdtempSync(join(tmpdir(), 'vtsim-retention-'));
  const env = vtsimEnv(root);
  const grpcPort = await freePort();
  const ports = ['--port', String(await freePort()), '--grpc-port', String(grpcPort), '--vtctld-grpc-port', String(await freePort())];
  const vtsim = (...args: string[]) => runVtsim([...args, ...ports], { env });
  const pidFile = join(root, 'tmp', 'vtsim.pid');
  const up = await vtsim('up', '--detach', '--mysql-port', String(await freePort()), ...upArgs);
  expect(up.stderr).toBe('');
  expect(up.code).toBe(0);
  const primaryPosition = async (keyspace: string) => {
    const status = JSON.parse((await vtsim('status')).stdout) as StatusReply;
    return status.tablets.find((t) => t.type === 'PRIMARY' && t.keyspace === keyspace)!.position;
  };
  const vstream = (...args: string[]) => runVtsim(['vstream', '--server', `127.0.0.1:${grpcPort}`, ...args], { env });
  const stop = () => {
    if (existsSync(pidFile)) {
      const pid = Number(readFileSync(pidFile, 'utf8').trim());
      if (processAlive(pid)) process.kill(pid, 'SIGTERM');
    }
    rmSync(root, { recursive: true, force: true });
  };
  return { vtsim, vstream, primaryPosition, stop };
}

beforeAll(ensureCliBuilt, 180_000);

describe('--binlog-retention of vtsim up and vtsim tablet up', () => {
  let cluster: Awaited<ReturnType<typeof startCluster>> | undefined;
  afterEach(() => cluster?.stop());

  it('a VStream from a purged position fails with error 1236; tablet up refuses a bad retention', async () => {
    // Heartbeats every 20 ms commit transactions on their own; the binlog keeps only 5 of them.
    cluster = await startCluster('--keyspaces', 'ks', '--num-shards', '1', '--replica-count', '1', '--rdonly-count', '0', '--heartbeat_enable', '--heartbeat_interval', '20ms', '--binlog-retention', '5');
    const early = await cluster.primaryPosition('ks');
    for (let i = 0; i < 100 && (await cluster.primaryPosition('ks')) === early; i++) await sleep(50);
    await sleep(400);
    const streamed = await cluster.vstream('--keyspace', 'ks', '--shard', '0', '--gtid', early);
    expect(streamed.code).toBe(1);
    expect(streamed.stderr).toContain('Cannot replicate because the source purged required binary logs.');
    expect(streamed.stderr).toContain('(errno 1236) (sqlstate HY000)');
    const bad = await cluster.vtsim('tablet', 'up', '--keyspace', 'ks', '--shard', '0', '--uid', '501', '--binlog-retention', 'lots');
    expect(bad).toEqual({ code: 1, stdout: '', stderr: 'ERROR: invalid argument "lots" for "--binlog-retention" flag: "lots" is neither a transaction count nor a size in B, KB, MB or GB\n' });
    const good = await cluster.vtsim('tablet', 'up', '--keyspace', 'other', '--shard', '0', '--uid', '600', '--binlog-retention', '64MB,1000');
    expect(good).toEqual({ code: 0, stdout: 'vttablet for zone1-0000000600 is running as PRIMARY\n', stderr: '' });
  });
});
