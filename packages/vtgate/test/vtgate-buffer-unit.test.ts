import { describe, expect, it } from 'vitest';
import { Code, SqlError } from '@vtsim/proto';
import { Buffer, isFailoverError } from '../src/index.js';

const cause = new SqlError(1105, 'HY000', 'target: customer.0.primary: vttablet: rpc error: code = FailedPrecondition desc = operation not allowed in state NOT_SERVING (CallerID: userData1)', Code.FAILED_PRECONDITION);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const outcome = (p: Promise<void>) => p.then(() => 'retry', (e: SqlError) => `${Code[e.code]}: ${e.message}`);

describe('Buffer', () => {
  it('releases waiters when the serving graph of their keyspace changes, and only then', async () => {
    const b = new Buffer({ enabled: true });
    const req = b.newRequest();
    const other = b.newRequest();
    const w = outcome(b.wait('customer', '0', cause, req, b.epoch));
    const o = outcome(b.wait('commerce', '0', cause, other, b.epoch));
    expect([b.bufferedCount, b.shardState('customer', '0')]).toEqual([2, 'buffering']);
    b.servingGraphChanged('customer');
    expect(await w).toBe('retry');
    expect([b.bufferedCount, b.shardState('customer', '0'), b.shardState('commerce', '0')]).toEqual([1, 'idle', 'buffering']);
    b.servingGraphChanged();
    expect(await o).toBe('retry');
    expect(b.requestsBuffered).toBe(2);
    req.dispose();
    other.dispose();
  });

  it('retries at once when the graph changed between the attempt and the wait, unless the window is spent', async () => {
    const b = new Buffer({ enabled: true, windowMs: 30 });
    const req = b.newRequest();
    const epoch = b.epoch;
    b.servingGraphChanged();
    expect(await outcome(b.wait('customer', '0', cause, req, epoch))).toBe('retry');
    expect(await outcome(b.wait('customer', '0', cause, req, b.epoch))).toMatch(/^UNAVAILABLE: upstream shard is not available: customer\/0 did not finish its failover within the 30 ms buffer window/);
    b.servingGraphChanged();
    expect(await outcome(b.wait('customer', '0', cause, req, epoch))).toMatch(/buffer window/);
    req.dispose();
  });

  it('stops buffering a shard whose failover outlasts the maximum, until the graph changes', async () => {
    const b = new Buffer({ enabled: true, windowMs: 5000, maxFailoverDurationMs: 40 });
    const reqs = [b.newRequest(), b.newRequest(), b.newRequest()];
    const waits = reqs.slice(0, 2).map((r) => outcome(b.wait('customer', '0', cause, r, b.epoch)));
    const results = await Promise.all(waits);
    expect(results).toEqual([0, 1].map(() => `UNAVAILABLE: upstream shard is not available: the failover of customer/0 lasted longer than 40 ms, buffering stopped; last error: ${cause.message}`));
    expect(b.shardState('customer', '0')).toBe('stopped');
    expect(await outcome(b.wait('customer', '0', cause, reqs[2]!, b.epoch))).toMatch(/lasted longer than 40 ms/);
    b.servingGraphChanged('customer');
    expect(b.shardState('customer', '0')).toBe('idle');
    const again = outcome(b.wait('customer', '0', cause, reqs[2]!, b.epoch));
    await sleep(5);
    b.servingGraphChanged('customer');
    expect(await again).toBe('retry');
    for (const r of reqs) r.dispose();
  });

  it('fails every other shard\'s newcomer when the buffer is full and nothing of its own can be evicted', async () => {
    const b = new Buffer({ enabled: true, size: 1 });
    const r1 = b.newRequest();
    const r2 = b.newRequest();
    const first = outcome(b.wait('customer', '0', cause, r1, b.epoch));
    expect(await outcome(b.wait('customer', '-80', cause, r2, b.epoch))).toBe('UNAVAILABLE: primary buffer is full');
    b.close();
    expect(await first).toMatch(/^UNAVAILABLE: upstream shard is not available: vtgate is shutting down/);
    expect(await outcome(b.wait('customer', '0', cause, r1, b.epoch))).toBe(`FAILED_PRECONDITION: ${cause.message}`);
    r1.dispose();
    r2.dispose();
  });

  it('passes the error through when buffering is off', async () => {
    const b = new Buffer();
    expect(await outcome(b.wait('customer', '0', cause, b.newRequest(), b.epoch))).toBe(`FAILED_PRECONDITION: ${cause.message}`);
  });
});

describe('isFailoverError', () => {
  it('recognises cutover and reparent errors, and nothing else', () => {
    const e = (message: string, code = Code.UNKNOWN) => new SqlError(1105, 'HY000', message, code);
    expect(isFailoverError(cause)).toBe(true);
    expect(isFailoverError(e('anything', Code.CLUSTER_EVENT))).toBe(true);
    expect(isFailoverError(e('target: commerce.0.primary: vttablet: rpc error: code = FailedPrecondition desc = disallowed due to rule: enforce denied tables'))).toBe(true);
    expect(isFailoverError(e('wrong tablet type: PRIMARY, want: REPLICA or []'))).toBe(true);
    expect(isFailoverError(new SqlError(1290, 'HY000', 'The MySQL server is running with the --super-read-only option so it cannot execute this statement'))).toBe(true);
    expect(isFailoverError(e(`target: c.0.primary: no healthy tablet available for 'keyspace:"c" shard:"0" tablet_type:PRIMARY'`))).toBe(true);
    expect(isFailoverError(e(`target: c.0.replica: no healthy tablet available for 'keyspace:"c" shard:"0" tablet_type:REPLICA'`))).toBe(false);
    expect(isFailoverError(new SqlError(1062, '23000', "Duplicate entry '1' for key 't.PRIMARY'"))).toBe(false);
    expect(isFailoverError(new Error('operation not allowed in state NOT_SERVING'))).toBe(false);
  });
});
