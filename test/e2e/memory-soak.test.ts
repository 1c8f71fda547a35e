// Soak (issue 9's acceptance): 1,000,000 write transactions on a two-shard keyspace with vtsim up's
// default tablets and a VStream client attached; the process's RSS at the end stays within 1.5
// times its RSS after the first 100,000, and the client's picture of the table equals the table.
// The soak runs in a child process of its own (test/bench/memory-soak.mjs, the bench's too), so
// that the RSS is the cluster's alone and not that of other test files in this worker.
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { VTSIM_ROOT } from '@vtsim/proto';
import { ensureCliBuilt, runProcess } from '../harness/vtsim-cli.js';

interface SoakResult {
  samples: { transactions: number; rss: number; heapUsed: number; heapTotal: number }[];
  seconds: number;
  streamedChanges: number;
  problems: string[];
  rows: number;
}

const TRANSACTIONS = 1_000_000;

beforeAll(ensureCliBuilt, 180_000);

describe('memory soak', () => {
  it('1,000,000 write transactions with a VStream attached: RSS at the end within 1.5× RSS after 100,000', async () => {
    const run = await runProcess(process.execPath, ['--expose-gc', join(VTSIM_ROOT, 'test/bench/memory-soak.mjs'), '--transactions', String(TRANSACTIONS), '--sample-every', '100000'], { env: process.env });
    expect(run.code, run.stderr.slice(-2000)).toBe(0);
    const result = JSON.parse(run.stdout) as SoakResult;
    expect(result.problems).toEqual([]);
    expect(result.streamedChanges).toBe(TRANSACTIONS);
    expect(result.rows).toBe(10_000);
    const rssAt = (n: number) => result.samples.find((s) => s.transactions === n)!.rss;
    const ratio = rssAt(TRANSACTIONS) / rssAt(100_000);
    expect(ratio, `RSS ${result.samples.map((s) => `${s.transactions}: ${Math.round(s.rss / 2 ** 20)} MB`).join(', ')}`).toBeLessThanOrEqual(1.5);
  }, 900_000);
});
