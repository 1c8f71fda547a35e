/**
 * The MySQL client of the tour: the real `mysql` command when it is installed (as the local
 * example's scripts use it), vtsim's own client otherwise. Either way it talks to vtgate over the
 * MySQL protocol, like any application.
 */
import { spawn, spawnSync } from 'node:child_process';
import { runMysqlScript } from './mysql-client.js';
import { MAX_LINE } from './vstream-line-format.js';

/** Runs SQL through vtgate's MySQL port and hands the client's output to `log`. */
export class ExampleMysql {
  /** True when the real `mysql` client is used. */
  readonly real: boolean;

  constructor(
    private readonly port: number,
    private readonly log: (line: string) => void,
  ) {
    this.real = spawnSync('mysql', ['--version'], { stdio: 'ignore' }).status === 0;
  }

  /** Which client this is, for the narration. */
  get name(): string {
    return this.real ? 'the real mysql client' : "vtsim's own mysql client, as no mysql is installed";
  }

  /**
   * Runs `sql` (one or more statements) as `mysql [--table] [database] < file` would, logging its
   * output. When the client fails, rejects with its error text, or with `expectError` logs it and
   * resolves (vtsim's own client prints its error to stderr itself).
   */
  async run(sql: string, opts: { table?: boolean; database?: string; expectError?: boolean } = {}): Promise<void> {
    if (!this.real) {
      const code = await runMysqlScript(sql, {
        host: '127.0.0.1',
        port: this.port,
        user: 'root',
        database: opts.database,
        table: opts.table ?? false,
        write: (t) => this.log(t.trimEnd()),
      });
      if (code !== 0 && !opts.expectError) throw new Error('mysql failed (its error is above)');
      return;
    }
    const args = ['--no-defaults', '--unbuffered', '-h', '127.0.0.1', '-P', String(this.port), '-u', 'root'];
    if (opts.table) args.push('--table');
    if (opts.database) args.push(opts.database);
    // Asynchronously: vtgate answers from this very process, so a blocking spawn would deadlock.
    const child = spawn('mysql', args);
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString('utf8')));
    child.stderr.on('data', (d: Buffer) => (err += d.toString('utf8')));
    child.stdin.end(sql);
    const status = await new Promise<number | null>((resolve) => child.on('close', resolve));
    if (out) this.log(out.trimEnd());
    if (status === 0) return;
    if (!opts.expectError) throw new Error(`mysql failed: ${err.trim()}`);
    // The tour's lines are at most MAX_LINE long; Vitess's error texts are longer.
    for (const line of err.trimEnd().split('\n')) this.log(wrap(line, MAX_LINE));
  }
}

/** `line` broken at spaces into lines of at most `width` characters (a longer word stays whole), the later ones indented by two spaces. */
function wrap(line: string, width: number): string {
  const out: string[] = [];
  let current = '';
  for (const word of line.split(' ')) {
    const next = current === '' ? word : `${current} ${word}`;
    if (next.length <= width - (out.length > 0 ? 2 : 0) || current === '') current = next;
    else {
      out.push(current);
      current = word;
    }
  }
  out.push(current);
  return out.map((l, i) => (i === 0 ? l : `  ${l}`)).join('\n');
}
