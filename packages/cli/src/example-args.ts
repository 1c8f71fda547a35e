/**
 * The flags of `vtsim example` (`npm run example -- <flags>`): ports, how VStream responses print,
 * and the slow-motion knobs a class uses to watch a copy move (`--copy-rate`, `--step-delay`,
 * `--pause`).
 */
import { parseArgs } from 'node:util';
import { EXAMPLE_USAGE } from './vtsim-usage.js';

/** What `vtsim example` was asked to do. */
export interface ExampleOptions {
  /** vtgate's MySQL port (a free one when busy). */
  mysqlPort: number;
  /** The control server's and live view's port, vtctld's web port (a free one when busy). */
  webPort: number;
  /** Print VStream responses in the seed document's proto text form, with a note under each. */
  raw: boolean;
  /** Wait for Enter between steps (on a terminal). */
  pause: boolean;
  /** VReplication copies at most this many rows per second per stream; undefined: no limit. */
  copyRate?: number;
  /** Milliseconds to wait between steps. */
  stepDelayMs: number;
  help: boolean;
}

/** Parses the flags; throws an Error saying what is wrong (and the usage) for unknown flags and bad values. */
export function parseExampleArgs(argv: readonly string[]): ExampleOptions {
  let values;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      strict: true,
      allowPositionals: false,
      options: {
        'mysql-port': { type: 'string' },
        port: { type: 'string' },
        raw: { type: 'boolean', default: false },
        pause: { type: 'boolean', default: false },
        'copy-rate': { type: 'string' },
        'step-delay': { type: 'string' },
        help: { type: 'boolean', default: false },
      },
    }));
  } catch (err) {
    throw new Error(`${(err as Error).message}\n\n${EXAMPLE_USAGE}`);
  }
  const copyRate = values['copy-rate'];
  if (copyRate !== undefined && !(/^\d+(\.\d+)?$/.test(copyRate) && Number(copyRate) > 0)) {
    throw new Error(`--copy-rate must be a positive number of rows per second, not '${copyRate}'`);
  }
  const stepDelay = values['step-delay'] ?? '0';
  if (!/^\d+$/.test(stepDelay)) throw new Error(`--step-delay must be a whole number of milliseconds, not '${stepDelay}'`);
  return {
    mysqlPort: port('--mysql-port', values['mysql-port'] ?? '15306'),
    webPort: port('--port', values.port ?? '15000'),
    raw: values.raw,
    pause: values.pause,
    copyRate: copyRate === undefined ? undefined : Number(copyRate),
    stepDelayMs: Number(stepDelay),
    help: values.help,
  };
}

function port(flag: string, text: string): number {
  const n = Number(text);
  if (!/^\d+$/.test(text) || n > 65535) throw new Error(`${flag} must be a port number (0 for any free port), not '${text}'`);
  return n;
}
