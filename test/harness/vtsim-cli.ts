/**
 * The project's own `vtsim` command run as a process (`node packages/cli/dist/main.js …`), the way
 * a user runs it, with free ports and a private VTDATAROOT so such tests run in parallel.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { processAlive } from '@vtsim/cli';
import { VTSIM_ROOT } from '@vtsim/proto';
import { freePort } from '../bench/free-port.mjs';

/** A TCP port that was free a moment ago (test/bench/free-port.mjs: below the kernel's ephemeral range). */
export { freePort };

/** The built command. */
export const vtsimMain = join(VTSIM_ROOT, 'packages/cli/dist/main.js');

/** What one run of a process printed. */
export interface ProcessRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** How {@link runProcess} runs a command. */
export interface RunOptions {
  env?: NodeJS.ProcessEnv;
  input?: string;
  cwd?: string;
  /** Kills the process (SIGKILL) and rejects, naming the command and what it printed, when it has not exited by then. */
  timeoutMs?: number;
}

/** Runs `command args` with `input` on stdin and resolves when it exits; never blocks the event loop. */
export function runProcess(command: string, args: readonly string[], opts: RunOptions = {}): Promise<ProcessRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { env: opts.env, cwd: opts.cwd ?? VTSIM_ROOT, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    const deadline = opts.timeoutMs === undefined ? undefined : setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`'${[command, ...args].join(' ')}' did not exit within ${opts.timeoutMs} ms; it printed:\n${stdout}${stderr}`));
    }, opts.timeoutMs);
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(deadline);
      resolve({ code: code ?? -1, stdout, stderr });
    });
    child.stdin.end(opts.input ?? '');
  });
}

/** Runs `node packages/cli/dist/main.js args` (see runProcess). */
export function runVtsim(args: readonly string[], opts: RunOptions = {}): Promise<ProcessRun> {
  return runProcess(process.execPath, [vtsimMain, ...args], opts);
}

/** A long-running `vtsim` process (`vtsim vttablet …`, say) and what it printed so far. */
export interface VtsimProcess {
  child: ChildProcess;
  /** Its stdout and stderr so far, interleaved. */
  output: () => string;
  /** Settles with its exit code (null when a signal ended it). */
  exited: Promise<number | null>;
}

/** Starts `node packages/cli/dist/main.js args` in the background; the caller kills it. */
export function startVtsim(args: readonly string[], env: NodeJS.ProcessEnv): VtsimProcess {
  const child = spawn(process.execPath, [vtsimMain, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout!.setEncoding('utf8').on('data', (d: string) => (output += d));
  child.stderr!.setEncoding('utf8').on('data', (d: string) => (output += d));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, output: () => output, exited };
}

/**
 * Makes sure `dist/` holds the built command: when it is missing (a test run without `npm test`'s
 * `tsc -b`), builds the workspace with `npx tsc -b`; throws with the compiler's output if that fails.
 */
export async function ensureCliBuilt(): Promise<void> {
  if (existsSync(vtsimMain)) return;
  const build = await runProcess('npx', ['tsc', '-b'], { env: process.env });
  if (build.code !== 0 || !existsSync(vtsimMain)) {
    throw new Error(`packages/cli/dist/main.js is missing and 'npx tsc -b' failed:\n${build.stdout}${build.stderr}`);
  }
}

/** Resolves true when something accepts TCP connections on 127.0.0.1:`port` now. */
export function listening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/** The environment for a vtsim process: this one's, with `VTDATAROOT` set and the local example's tablet variables removed. */
export function vtsimEnv(vtdataroot: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, VTDATAROOT: vtdataroot };
  for (const name of ['KEYSPACE', 'SHARD', 'TABLET_UID', 'CELL']) delete env[name];
  return env;
}

/** True while the process exists and has not exited (zombies count as gone). */
export { processAlive };

/** A private VTDATAROOT and free ports for one cluster process (see {@link clusterPlace}). */
export type ClusterPlace = Awaited<ReturnType<typeof clusterPlace>>;

/** How long a `vtsim` command against a running cluster may take before a test names it as hung. */
export const VTSIM_COMMAND_TIMEOUT_MS = 120_000;

/**
 * A private VTDATAROOT and free ports for one cluster process: `vtsim(…args)` runs the command with
 * them (control, gRPC and vtctld ports appended; pass `--mysql-port mysqlPort` to `up` yourself),
 * failing with the command's name when it hangs past {@link VTSIM_COMMAND_TIMEOUT_MS};
 * stop() kills the process by pid if a test left it running, and removes the directory.
 */
export async function clusterPlace() {
  const root = mkdtempSync(join(tmpdir(), 'vtsim-e2e-'));
  const [web, mysqlPort, grpcPort, vtctldPort] = [await freePort(), await freePort(), await freePort(), await freePort()];
  const env = vtsimEnv(root);
  const pidFile = join(root, 'tmp', 'vtsim.pid');
  const ports = ['--port', String(web), '--grpc-port', String(grpcPort), '--vtctld-grpc-port', String(vtctldPort)];
  const vtsim = (...args: string[]) => runVtsim([...args, ...ports], { env, timeoutMs: VTSIM_COMMAND_TIMEOUT_MS });
  return {
    root, web, mysqlPort, grpcPort, vtctldPort, env, pidFile, vtsim,
    logFile: join(root, 'tmp', 'vtsim.log'),
    vtsimWithInput: (input: string, ...args: string[]) => runVtsim([...args, ...ports], { env, input, timeoutMs: VTSIM_COMMAND_TIMEOUT_MS }),
    pid: () => Number(readFileSync(pidFile, 'utf8').trim()),
    /**
     * The cluster's status, the JSON `vtsim status` prints, read from the control endpoint over HTTP
     * as that command does: for polling in a wait, where a process a poll would cost seconds on a
     * loaded machine (the command itself is tested as a process elsewhere).
     */
    status: async (): Promise<unknown> => {
      const res = await fetch(`http://127.0.0.1:${web}/api/status`, { signal: AbortSignal.timeout(VTSIM_COMMAND_TIMEOUT_MS) });
      if (!res.ok) throw new Error(`GET /api/status: HTTP ${res.status}`);
      return res.json();
    },
    stop: () => {
      if (existsSync(pidFile)) {
        const pid = Number(readFileSync(pidFile, 'utf8').trim());
        if (processAlive(pid)) process.kill(pid, 'SIGTERM');
      }
      rmSync(root, { recursive: true, force: true });
    },
  };
}
