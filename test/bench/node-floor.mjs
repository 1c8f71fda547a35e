/**
 * The floor under any Node server's time to serve on this machine: spawning `node` with a script
 * that only listens on a TCP port and greets each connection with one byte, until a client gets
 * that byte. vtsim cannot serve sooner than this, whatever it loads; the bench prints it next to
 * MariaDB's time to serve so a reader can tell what part of vtsim's time is Node's own start.
 */
import { spawn } from 'node:child_process';
import { connect } from 'node:net';
import { freePort } from './free-port.mjs';

/** Starts of the empty server whose median is the floor. */
const STARTS = 5;

/** The empty server: listens on the port given as its argument and writes one byte to each client. */
const SERVER = "require('node:net').createServer((c) => c.end('!')).listen(Number(process.argv[1]), '127.0.0.1')";

/** Resolves true once a connection to `port` receives a byte, false when it fails (not listening yet). */
function greeted(port) {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('data', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
    socket.once('close', () => resolve(false));
  });
}

/** One start of the empty server: milliseconds from spawn to the first greeting. */
async function timeOneStart() {
  const port = await freePort();
  const t0 = performance.now();
  const child = spawn(process.execPath, ['-e', SERVER, String(port)], { stdio: 'ignore' });
  const exited = new Promise((resolve) => child.once('exit', resolve));
  try {
    for (;;) {
      if (await greeted(port)) return performance.now() - t0;
      if (child.exitCode !== null) throw new Error(`the empty node server exited with code ${child.exitCode}`);
      if (performance.now() - t0 > 10_000) throw new Error('the empty node server did not listen within 10 s');
      await new Promise((r) => setTimeout(r, 2));
    }
  } finally {
    child.kill('SIGKILL');
    await exited;
  }
}

/**
 * Times STARTS starts of the empty Node server (one after another) and returns their median and
 * all of them, in milliseconds.
 * @returns {Promise<{ medianMs: number, startsMs: number[] }>}
 */
export async function timeNodeFloor() {
  const startsMs = [];
  for (let i = 0; i < STARTS; i++) startsMs.push(await timeOneStart());
  const sorted = [...startsMs].sort((a, b) => a - b);
  return { medianMs: sorted[Math.floor(sorted.length / 2)], startsMs };
}
