// `vtsim vtorc up|down` run as processes against a detached cluster (private VTDATAROOT, free
// ports): VTOrc's pages answer, a primary whose vttablet is down but whose mysqld still feeds its
// replicas is left alone (UnreachablePrimary), and once the tablet is deleted VTOrc runs
// EmergencyReparentShard within 5 s; then the error paths and `vtorc down`. (A primary whose mysqld
// dies is covered in-process by packages/vtorc/test and test/e2e/vtorc-failover-buffer.test.ts.)
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureCliBuilt, freePort, processAlive, runVtsim, vtsimEnv } from '../harness/vtsim-cli.js';

interface AnalysisEntry {
  AnalyzedInstanceAlias: string;
  Analysis: string;
}

describe('vtsim vtorc up|down', () => {
  const root = mkdtempSync(join(tmpdir(), 'vtsim-vtorc-'));
  const env = vtsimEnv(root);
  const pidFile = join(root, 'tmp', 'vtsim.pid');
  let ports: string[] = [];
  let vtctldPort = 0;
  let uiPort = 0;
  const vtsim = (...args: string[]) => runVtsim([...args, ...ports], { env });
  const vtctldclient = (...args: string[]) => runVtsim(['vtctldclient', '--server', `127.0.0.1:${vtctldPort}`, ...args], { env });

  beforeAll(async () => {
    await ensureCliBuilt();
    vtctldPort = await freePort();
    ports = ['--port', String(await freePort()), '--grpc-port', String(await freePort()), '--vtctld-grpc-port', String(vtctldPort)];
    const up = await vtsim('up', '--detach', '--mysql-port', String(await freePort()));
    expect(up.code).toBe(0);
    for (const uid of ['100', '101', '102']) expect((await vtsim('tablet', 'up', '--keyspace', 'commerce', '--shard', '0', '--uid', uid)).code).toBe(0);
  }, 180_000);

  afterAll(async () => {
    await vtsim('down');
    if (existsSync(pidFile)) {
      const pid = Number(readFileSync(pidFile, 'utf8').trim());
      if (processAlive(pid)) process.kill(pid, 'SIGTERM');
    }
    rmSync(root, { recursive: true, force: true });
  });

  const analysis = async (): Promise<AnalysisEntry[]> => (await (await fetch(`http://127.0.0.1:${uiPort}/api/replication-analysis`)).json()) as AnalysisEntry[];
  const shardPrimary = async (): Promise<string> => {
    const r = await vtctldclient('GetShard', 'commerce/0');
    const shard = JSON.parse(r.stdout) as { shard: { primary_alias: { uid: number } | null } };
    return shard.shard.primary_alias ? String(shard.shard.primary_alias.uid) : '';
  };

  it('starts VTOrc with its pages and refuses bad flags and a second start', async () => {
    uiPort = await freePort();
    const up = await vtsim('vtorc', 'up', '--vtorc-port', String(uiPort), '--instance-poll-time', '500ms', '--topo-information-refresh-duration', '1s');
    expect(up).toEqual({ code: 0, stdout: `vtorc is running!\n  - UI: http://localhost:${uiPort}\n`, stderr: '' });
    expect(await analysis()).toEqual([]);
    const page = await fetch(`http://127.0.0.1:${uiPort}/debug/status`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('<h2>Recent recoveries</h2>');

    expect(await vtsim('vtorc', 'up', '--vtorc-port', '0')).toEqual({ code: 1, stdout: '', stderr: 'ERROR: vtorc is already running\n' });
    expect(await vtsim('vtorc', 'up', '--bogus')).toEqual({ code: 1, stdout: '', stderr: 'ERROR: unknown flag: --bogus\n' });
  });

  it('leaves a primary alone while its mysqld feeds its replicas, and replaces it within 5 s once it is deleted', async () => {
    expect((await vtsim('tablet', 'down', '--uid', '100')).code).toBe(0);
    const deadline = Date.now() + 5000;
    while (!(await analysis()).some((a) => a.Analysis === 'UnreachablePrimary') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    expect(await analysis()).toEqual([expect.objectContaining({ AnalyzedInstanceAlias: 'zone1-0000000100', Analysis: 'UnreachablePrimary' })]);
    expect(await shardPrimary()).toBe('100');

    // The tablet is deleted with its data (DeleteTablets restarts the shard's primary term): VTOrc sees it
    // at its next tablet refresh (1 s here) and runs EmergencyReparentShard.
    const deleted = Date.now();
    expect((await vtsim('tablet', 'delete', '--uid', '100', '--allow-primary')).code).toBe(0);
    while ((await shardPrimary()) === '' && Date.now() - deleted < 5000) await new Promise((r) => setTimeout(r, 100));
    expect(await shardPrimary()).toBe('101');
    const recoveries = (await (await fetch(`http://127.0.0.1:${uiPort}/api/recent-recoveries`)).json()) as Array<{ RecoveryName: string; SuccessorAlias: string; IsSuccessful: boolean }>;
    expect(recoveries).toEqual([expect.objectContaining({ RecoveryName: 'RecoverPrimaryTabletDeleted', SuccessorAlias: 'zone1-0000000101', IsSuccessful: true })]);
    const log = readFileSync(join(root, 'tmp', 'vtsim.log'), 'utf8');
    expect(log).toContain('msg="executeCheckAndRecoverFunction: proceeding with PrimaryTabletDeleted detection on zone1-0000000101; isActionable?: true" component=vtorc');
  });

  it('stops VTOrc (twice is fine) and closes its port', async () => {
    expect(await vtsim('vtorc', 'down')).toEqual({ code: 0, stdout: '', stderr: '' });
    expect(await vtsim('vtorc', 'down')).toEqual({ code: 0, stdout: '', stderr: '' });
    await expect(fetch(`http://127.0.0.1:${uiPort}/debug/status`)).rejects.toThrow();
  });
});
