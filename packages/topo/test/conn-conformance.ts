/**
 * The conformance suite of the topology {@link Conn} interface. Every Conn implementation runs it:
 * `runConnConformance('Etcd2Conn', () => Etcd2Conn.open(...))`. `makeConn` must return a Conn on an
 * empty tree; `makePair`, when given, returns two Conns on the same tree (for cross-Conn checks);
 * `restartServer`, for a Conn on a server, stops the server and starts it again on the same data.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { TopoError, type Conn, type WatchData } from '../src/index.js';

const enc = (s: string) => new TextEncoder().encode(s);
const dec = (b: Uint8Array) => new TextDecoder().decode(b);

async function expectTopoError(p: Promise<unknown>, code: TopoError['code']): Promise<TopoError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(TopoError);
  expect((err as TopoError).code).toBe(code);
  return err as TopoError;
}

/** Pulls the next value of a watch, failing the test if none comes within `ms`. */
async function next(it: AsyncIterator<WatchData>, ms = 2000): Promise<IteratorResult<WatchData>> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error('no watch value in time')), ms);
  });
  try {
    return await Promise.race([it.next(), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** Runs the Conn conformance tests against the implementation `name`. */
export function runConnConformance(
  name: string,
  makeConn: () => Conn | Promise<Conn>,
  makePair?: () => Promise<[Conn, Conn]> | [Conn, Conn],
  restartServer?: () => Promise<void>,
): void {
  describe(`Conn conformance: ${name}`, () => {
    const opened: Conn[] = [];
    const open = async () => {
      const c = await makeConn();
      opened.push(c);
      return c;
    };
    afterEach(() => {
      for (const c of opened.splice(0)) c.close();
    });

    it('creates, reads, and refuses to create twice', async () => {
      const c = await open();
      const v = await c.create('a/b/file', enc('one'));
      const got = await c.get('a/b/file');
      expect(dec(got.contents)).toBe('one');
      expect(got.version).toBe(v);
      const err = await expectTopoError(c.create('a/b/file', enc('two')), 'NodeExists');
      expect(err.message).toContain('a/b/file');
      expect(dec((await c.get('a/b/file')).contents)).toBe('one');
    });

    it('reports a missing node as NoNode with Vitess-style message', async () => {
      const c = await open();
      const err = await expectTopoError(c.get('keyspaces/x/Keyspace'), 'NoNode');
      expect(err.message).toBe("node doesn't exist: keyspaces/x/Keyspace");
    });

    it('does not alias the caller\'s buffers', async () => {
      const c = await open();
      const buf = enc('abc');
      await c.create('f', buf);
      buf[0] = 0x7a;
      const got = await c.get('f');
      expect(dec(got.contents)).toBe('abc');
      got.contents[0] = 0x7a;
      expect(dec((await c.get('f')).contents)).toBe('abc');
    });

    it('updates conditionally on the version and unconditionally with null', async () => {
      const c = await open();
      const v1 = await c.create('f', enc('1'));
      const v2 = await c.update('f', enc('2'), v1);
      expect(v2).not.toBe(v1);
      await expectTopoError(c.update('f', enc('3'), v1), 'BadVersion');
      expect(dec((await c.get('f')).contents)).toBe('2');
      const v3 = await c.update('f', enc('4'), null);
      expect(v3).not.toBe(v2);
      expect((await c.get('f')).version).toBe(v3);
      await expectTopoError(c.update('missing', enc('x'), v3), 'NoNode');
      const vNew = await c.update('created/by/update', enc('y'), null);
      expect((await c.get('created/by/update')).version).toBe(vNew);
    });

    it('deletes conditionally and unconditionally', async () => {
      const c = await open();
      const v = await c.create('d/f', enc('x'));
      await expectTopoError(c.delete('d/f', v + 1000), 'BadVersion');
      await c.delete('d/f', v);
      await expectTopoError(c.get('d/f'), 'NoNode');
      await expectTopoError(c.delete('d/f', null), 'NoNode');
      await c.create('d/g', enc('x'));
      await c.delete('d/g', null);
      await expectTopoError(c.get('d/g'), 'NoNode');
    });

    it('lists children sorted, and drops directories left empty', async () => {
      const c = await open();
      await c.create('dir/zeta', enc(''));
      await c.create('dir/alpha/leaf', enc(''));
      await c.create('dir/mid', enc(''));
      expect(await c.list('dir')).toEqual(['alpha', 'mid', 'zeta']);
      expect(await c.list('dir/alpha')).toEqual(['leaf']);
      await c.delete('dir/alpha/leaf', null);
      expect(await c.list('dir')).toEqual(['mid', 'zeta']);
      await expectTopoError(c.list('dir/alpha'), 'NoNode');
      await expectTopoError(c.list('nothing/here'), 'NoNode');
      await c.delete('dir/mid', null);
      await c.delete('dir/zeta', null);
      await expectTopoError(c.list('dir'), 'NoNode');
    });

    it('watches: current value first, then every change, then NoNode on delete', async () => {
      const c = await open();
      const v1 = await c.create('w', enc('first'));
      const ac = new AbortController();
      const it = c.watch('w', ac.signal)[Symbol.asyncIterator]();
      const first = await next(it);
      expect(first.done).toBe(false);
      expect(first.value.err).toBeUndefined();
      if (!first.value.err) {
        expect(dec(first.value.contents)).toBe('first');
        expect(first.value.version).toBe(v1);
      }
      await c.update('w', enc('second'), null);
      await c.update('w', enc('third'), null);
      const second = await next(it);
      const third = await next(it);
      expect(second.value.err ? 'err' : dec(second.value.contents)).toBe('second');
      expect(third.value.err ? 'err' : dec(third.value.contents)).toBe('third');
      await c.delete('w', null);
      const gone = await next(it);
      expect(gone.value.err?.code).toBe('NoNode');
      expect((await next(it)).done).toBe(true);
      ac.abort();
    });

    it('watching a missing node yields NoNode and ends', async () => {
      const c = await open();
      const ac = new AbortController();
      const it = c.watch('nope', ac.signal)[Symbol.asyncIterator]();
      expect((await next(it)).value.err?.code).toBe('NoNode');
      expect((await next(it)).done).toBe(true);
    });

    it('a watch ends with Interrupted when its signal aborts', async () => {
      const c = await open();
      await c.create('w', enc('x'));
      const ac = new AbortController();
      const it = c.watch('w', ac.signal)[Symbol.asyncIterator]();
      await next(it);
      ac.abort();
      expect((await next(it)).value.err?.code).toBe('Interrupted');
      expect((await next(it)).done).toBe(true);
    });

    it('a watch ends with Interrupted when the Conn closes; close is idempotent', async () => {
      const c = await makeConn();
      await c.create('w', enc('x'));
      const it = c.watch('w', new AbortController().signal)[Symbol.asyncIterator]();
      await next(it);
      c.close();
      c.close();
      expect((await next(it)).value.err?.code).toBe('Interrupted');
      expect((await next(it)).done).toBe(true);
    });

    it('breaking out of a watch stops it without affecting other watches', async () => {
      const c = await open();
      await c.create('w', enc('0'));
      const ac = new AbortController();
      const seen: string[] = [];
      const other = c.watch('w', ac.signal)[Symbol.asyncIterator]();
      await next(other);
      for await (const d of c.watch('w', ac.signal)) {
        if (!d.err) seen.push(dec(d.contents));
        break;
      }
      await c.update('w', enc('1'), null);
      const v = await next(other);
      expect(v.value.err ? 'err' : dec(v.value.contents)).toBe('1');
      expect(seen).toEqual(['0']);
      ac.abort();
    });

    it('locks a directory exclusively and hands it to the next waiter', async () => {
      const c = await open();
      await c.create('keyspaces/ks/Keyspace', enc('{}'));
      const l1 = await c.lock('keyspaces/ks', 'first');
      await l1.check();
      const order: string[] = [];
      const p2 = c.lock('keyspaces/ks', 'second').then((l) => {
        order.push('second');
        return l;
      });
      await new Promise((r) => setTimeout(r, 20));
      expect(order).toEqual([]);
      order.push('first-unlock');
      await l1.unlock();
      await l1.unlock();
      const l2 = await p2;
      expect(order).toEqual(['first-unlock', 'second']);
      await expectTopoError(l1.check(), 'NoNode');
      await l2.unlock();
    });

    it('locking a missing directory is NoNode', async () => {
      const c = await open();
      await expectTopoError(c.lock('keyspaces/none', 'x'), 'NoNode');
    });

    it('a lock wait ends with Timeout or Interrupted by the abort reason, and the lock stays usable', async () => {
      const c = await open();
      await c.create('d/f', enc(''));
      const held = await c.lock('d', 'holder');
      await expectTopoError(c.lock('d', 'waiter', AbortSignal.timeout(30)), 'Timeout');
      const ac = new AbortController();
      const p = c.lock('d', 'waiter', ac.signal);
      ac.abort();
      await expectTopoError(p, 'Interrupted');
      await held.unlock();
      const again = await c.lock('d', 'after', AbortSignal.timeout(1000));
      await again.unlock();
    });

    it('closing the Conn interrupts pending lock waits; operations after close fail', async () => {
      const c = await makeConn();
      await c.create('d/f', enc(''));
      const held = await c.lock('d', 'holder');
      const p = c.lock('d', 'waiter');
      c.close();
      await expectTopoError(p, 'Interrupted');
      await expectTopoError(c.get('d/f'), 'Interrupted');
      await held.unlock();
    });

    if (makePair) {
      it('two Conns on the same tree see each other\'s writes, watches and locks', async () => {
        const [a, b] = await makePair();
        opened.push(a, b);
        await a.create('shared/f', enc('from a'));
        expect(dec((await b.get('shared/f')).contents)).toBe('from a');
        const ac = new AbortController();
        const it = b.watch('shared/f', ac.signal)[Symbol.asyncIterator]();
        await next(it);
        await a.update('shared/f', enc('again'), null);
        const v = await next(it);
        expect(v.value.err ? 'err' : dec(v.value.contents)).toBe('again');
        const la = await a.lock('shared', 'a');
        let bGot = false;
        const pb = b.lock('shared', 'b').then((l) => {
          bGot = true;
          return l;
        });
        await new Promise((r) => setTimeout(r, 20));
        expect(bGot).toBe(false);
        await la.unlock();
        await (await pb).unlock();
        ac.abort();
      });
    }

    if (restartServer) {
      it('a watch goes on across a restart of the server and sees the changes made after it', async () => {
        const c = await open();
        await c.create('r/f', enc('before'));
        const ac = new AbortController();
        const it = c.watch('r/f', ac.signal)[Symbol.asyncIterator]();
        expect(dec(((await next(it)).value as { contents: Uint8Array }).contents)).toBe('before');
        await restartServer();
        // The first request after the restart may find the connection still down: retry it.
        let v: number | undefined;
        for (let i = 0; v === undefined; i++) {
          v = await c.update('r/f', enc('after'), null).catch((e: unknown) => {
            if (i >= 50 || !(e instanceof TopoError) || e.code !== 'Timeout') throw e;
            return new Promise<undefined>((r) => setTimeout(() => r(undefined), 200));
          });
        }
        const after = await next(it, 15_000);
        expect(after.value.err).toBeUndefined();
        if (!after.value.err) {
          expect(dec(after.value.contents)).toBe('after');
          expect(after.value.version).toBe(v);
        }
        await c.delete('r/f', null);
        expect((await next(it, 5_000)).value.err?.code).toBe('NoNode');
        ac.abort();
      }, 40_000);
    }
  });
}
