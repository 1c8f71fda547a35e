/**
 * A throwaway Debian etcd-server (/usr/bin/etcd), for the topology tests on etcd. Tests that need
 * it call `describeEtcd` instead of `describe`: without etcd they are skipped with the reason
 * printed, except under CI (`CI` set), where its absence fails them (.ci/run installs etcd-server).
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'vitest';
import { freePort } from './vtsim-cli.js';

const ETCD = '/usr/bin/etcd';
const ETCDCTL = '/usr/bin/etcdctl';

/** True when Debian's etcd server and its etcdctl (etcd-server, etcd-client) are installed. */
export const etcdInstalled: boolean = existsSync(ETCD) && existsSync(ETCDCTL);

/** `describe` for suites that need etcd-server (see the module comment). */
export function describeEtcd(name: string, body: () => void): void {
  if (etcdInstalled) {
    describe(name, body);
  } else if (process.env.CI) {
    describe(name, () => {
      it('needs etcd-server and etcd-client', () => {
        throw new Error('etcd-server or etcd-client is not installed; .ci/run installs them');
      });
    });
  } else {
    console.warn(`skipping '${name}': etcd-server or etcdctl is not installed (apt-get install etcd-server etcd-client)`);
    describe.skip(name, body);
  }
}

/** A running etcd (on 127.0.0.1 unless {@link EtcdPlacement.host} says otherwise) with its data in a temporary directory. */
export interface EtcdServer {
  /** `<host>:<client port>`, the topo server address. */
  readonly address: string;
  /** Stops the process (SIGTERM), keeping its data directory and ports for {@link start}. */
  stop(): Promise<void>;
  /** Starts the process again on the same data directory and ports. */
  start(): Promise<void>;
  /** Stops the process and removes its data directory. */
  destroy(): Promise<void>;
}

/** Where etcd runs: by default on 127.0.0.1 of this machine. */
export interface EtcdPlacement {
  /** The address its client and peer ports listen on (and its health is polled at from here). */
  host?: string;
  /** A command etcd runs under, e.g. `['ip', 'netns', 'exec', NAME]` for a network namespace; it must exec etcd (keep its pid). */
  wrapper?: string[];
}

/** Starts etcd on free client and peer ports and waits until it is healthy. */
export async function startEtcd(placement: EtcdPlacement = {}): Promise<EtcdServer> {
  const dir = mkdtempSync(join(tmpdir(), 'vtsim-etcd-'));
  const host = placement.host ?? '127.0.0.1';
  const clientPort = await freePort();
  const peerPort = await freePort();
  const clientUrl = `http://${host}:${clientPort}`;
  const peerUrl = `http://${host}:${peerPort}`;
  const args = [
    '--name', 'vtsim-test',
    '--data-dir', join(dir, 'data'),
    '--listen-client-urls', clientUrl,
    '--advertise-client-urls', clientUrl,
    '--listen-peer-urls', peerUrl,
    '--initial-advertise-peer-urls', peerUrl,
    '--initial-cluster', `vtsim-test=${peerUrl}`,
    '--log-level', 'error',
    '--logger', 'zap',
  ];
  let child: ChildProcess | null = null;
  let output = '';

  const start = async () => {
    output = '';
    const [command, ...rest] = [...(placement.wrapper ?? []), ETCD, ...args];
    const proc = spawn(command!, rest, { stdio: ['ignore', 'pipe', 'pipe'] });
    child = proc;
    proc.stdout!.on('data', (d: Buffer) => (output += d.toString('utf8')));
    proc.stderr!.on('data', (d: Buffer) => (output += d.toString('utf8')));
    const deadline = Date.now() + 20_000;
    for (;;) {
      if (proc.exitCode !== null) throw new Error(`etcd exited with ${proc.exitCode}: ${output}`);
      const healthy = await fetch(`${clientUrl}/health`).then(
        async (r) => r.ok && ((await r.json()) as { health?: string }).health === 'true',
        () => false,
      );
      if (healthy) return;
      if (Date.now() > deadline) {
        proc.kill('SIGKILL');
        throw new Error(`etcd did not become healthy on ${clientUrl}: ${output}`);
      }
      await new Promise((r) => setTimeout(r, 100));
    }
  };

  const stop = async () => {
    const proc = child;
    child = null;
    if (!proc || proc.exitCode !== null || proc.signalCode !== null) return;
    const exited = new Promise<void>((r) => proc.once('exit', () => r()));
    proc.kill('SIGTERM');
    const killer = setTimeout(() => proc.kill('SIGKILL'), 5_000);
    await exited;
    clearTimeout(killer);
  };

  await start();
  return {
    address: `${host}:${clientPort}`,
    stop,
    start,
    async destroy() {
      await stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Runs `etcdctl --endpoints <address> <args>` (API v3) and returns what it printed; throws when it fails. */
export function etcdctl(address: string, args: string[]): string {
  const run = spawnSync(ETCDCTL, ['--endpoints', `http://${address}`, ...args], {
    encoding: 'utf8',
    env: { ...process.env, ETCDCTL_API: '3' },
  });
  if (run.status !== 0) throw new Error(`etcdctl ${args.join(' ')} failed: ${run.stderr}`);
  return run.stdout;
}
