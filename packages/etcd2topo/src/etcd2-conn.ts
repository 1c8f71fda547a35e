/**
 * The etcd v3 topology backend (Vitess's etcd2topo): a {@link Conn} on the keys under a root
 * (`/vitess/global`, `/vitess/zone1`). A file `keyspaces/ks/Keyspace` is the key
 * `<root>/keyspaces/ks/Keyspace`; its version is the key's ModRevision; a directory exists while
 * keys start with its path. Locks are keys under `<dir>/locks/` bound to a lease kept alive while
 * held (a dead holder's lock goes when its lease expires); watches resume from the last revision
 * they saw when the connection to etcd comes back.
 */
import { ExponentialBackoff, noop } from 'cockatiel';
import { Etcd3, type IKeyValue, type Lease, type Watcher } from 'etcd3';
import { TopoError, WatchChannel, abortTopoError, type Conn, type LockDescriptor, type Version, type WatchData } from '@vtsim/topo';
import { convertEtcdError } from './etcd2-errors.js';

/** Vitess's default --topo_etcd_lease_ttl, in seconds. */
export const DEFAULT_LEASE_TTL_SECONDS = 30;

/** The directory under a locked directory that holds the lock keys (Vitess's locksPath). */
const LOCKS_DIR = 'locks';

/** Options of {@link Etcd2Conn.open}. */
export interface Etcd2ConnOptions {
  /** TTL of the leases that hold locks, in seconds (Vitess's --topo_etcd_lease_ttl; default 30). */
  leaseTtlSeconds?: number;
  /** Deadline of each request, in ms (default 10 000): an unreachable server fails with Timeout by then. */
  requestTimeoutMs?: number;
  /** Longest wait between attempts to reconnect a watch, in ms (default 2 000). */
  watchMaxBackoffMs?: number;
}

function segments(path: string): string[] {
  return path.split('/').filter((s) => s !== '');
}

/** The etcd client hosts of a server address: `host:port[,host:port…]`, `http://` added when absent. */
function hostsOf(serverAddress: string): string[] {
  const hosts = serverAddress
    .split(',')
    .map((h) => h.trim())
    .filter((h) => h !== '');
  if (hosts.length === 0) throw new Error('etcd2 topo: empty server address');
  return hosts.map((h) => (/^https?:\/\//.test(h) ? h : `http://${h}`));
}

/** A copy of an etcd value as the caller's own bytes. */
function bytes(b: Buffer): Uint8Array {
  return new Uint8Array(b);
}

/** A {@link Conn} on etcd v3. Open one with {@link Etcd2Conn.open}; close it to end its watches and release its locks. */
export class Etcd2Conn implements Conn {
  private closed = false;
  private readonly closeHooks = new Set<() => void>();
  private readonly heldLeases = new Set<Lease>();
  private readonly rootKey: string;

  private constructor(
    private readonly client: Etcd3,
    root: string,
    private readonly leaseTtlSeconds: number,
  ) {
    this.rootKey = `/${segments(root).join('/')}`;
  }

  /** A Conn on the keys under `root` of the etcd at `serverAddress` (`host:port`, comma-separated for several). */
  static open(serverAddress: string, root: string, options: Etcd2ConnOptions = {}): Etcd2Conn {
    const timeout = options.requestTimeoutMs ?? 10_000;
    const client = new Etcd3({
      hosts: hostsOf(serverAddress),
      dialTimeout: timeout,
      defaultCallOptions: (ctx) => (ctx.isStream ? {} : { deadline: Date.now() + timeout }),
      faultHandling: {
        // One address is one server: a circuit breaker in front of it would only delay the
        // first request after etcd comes back.
        host: () => noop,
        watchBackoff: new ExponentialBackoff({ initialDelay: 100, maxDelay: options.watchMaxBackoffMs ?? 2_000 }).next(),
      },
    });
    return new Etcd2Conn(client, root, options.leaseTtlSeconds ?? DEFAULT_LEASE_TTL_SECONDS);
  }

  /** The etcd key of a path relative to the root. */
  private key(path: string): string {
    if (this.closed) throw new TopoError('Interrupted', path);
    const rest = segments(path).join('/');
    if (rest === '') return this.rootKey;
    return this.rootKey === '/' ? `/${rest}` : `${this.rootKey}/${rest}`;
  }

  /** Runs one etcd request on `path`, its failures as TopoErrors. */
  private async call<T>(path: string, run: (key: string) => Promise<T>): Promise<T> {
    const key = this.key(path);
    try {
      return await run(key);
    } catch (err) {
      throw convertEtcdError(err, path);
    }
  }

  async create(path: string, contents: Uint8Array): Promise<Version> {
    return this.call(path, async (key) => {
      const res = await this.client
        .if(key, 'Version', '==', 0)
        .then(this.client.put(key).value(Buffer.from(contents)))
        .commit();
      if (!res.succeeded) throw new TopoError('NodeExists', path);
      return Number(res.header.revision);
    });
  }

  async get(path: string): Promise<{ contents: Uint8Array; version: Version }> {
    return this.call(path, async (key) => {
      const kv = (await this.client.get(key).exec()).kvs[0];
      if (!kv) throw new TopoError('NoNode', path);
      return { contents: bytes(kv.value), version: Number(kv.mod_revision) };
    });
  }

  async update(path: string, contents: Uint8Array, version: Version | null): Promise<Version> {
    return this.call(path, async (key) => {
      const put = this.client.put(key).value(Buffer.from(contents));
      if (version === null) return Number((await put.exec()).header.revision);
      const res = await this.client.if(key, 'Mod', '==', version).then(put).else(this.client.get(key)).commit();
      if (!res.succeeded) throw this.versionMismatch(path, res.responses);
      return Number(res.header.revision);
    });
  }

  async delete(path: string, version: Version | null): Promise<void> {
    await this.call(path, async (key) => {
      if (version === null) {
        const res = await this.client.delete().key(key).exec();
        if (Number(res.deleted) !== 1) throw new TopoError('NoNode', path);
        return;
      }
      const res = await this.client.if(key, 'Mod', '==', version).then(this.client.delete().key(key)).else(this.client.get(key)).commit();
      if (!res.succeeded) throw this.versionMismatch(path, res.responses);
    });
  }

  /** The error of a failed versioned write: NoNode when the else-branch read found no key, BadVersion otherwise. */
  private versionMismatch(path: string, responses: Array<{ response_range?: { kvs: IKeyValue[] } | null }>): TopoError {
    const found = responses[0]?.response_range?.kvs.length ?? 0;
    return new TopoError(found === 0 ? 'NoNode' : 'BadVersion', path);
  }

  async list(dirPath: string): Promise<string[]> {
    return this.call(dirPath, async (key) => {
      const prefix = key === '/' ? '/' : `${key}/`;
      const keys = await this.client.getAll().prefix(prefix).keys();
      const names = new Set<string>();
      for (const k of keys) {
        const name = k.slice(prefix.length).split('/')[0];
        if (name) names.add(name);
      }
      if (names.size === 0) throw new TopoError('NoNode', dirPath);
      return [...names].sort();
    });
  }

  watch(path: string, signal: AbortSignal): AsyncIterable<WatchData> {
    const conn = this;
    return {
      async *[Symbol.asyncIterator]() {
        if (conn.closed || signal.aborted) {
          yield { err: new TopoError('Interrupted', path) };
          return;
        }
        let first: { contents: Uint8Array; version: Version; revision: number };
        try {
          first = await conn.call(path, async (key) => {
            const res = await conn.client.get(key).exec();
            const kv = res.kvs[0];
            if (!kv) throw new TopoError('NoNode', path);
            return { contents: bytes(kv.value), version: Number(kv.mod_revision), revision: Number(res.header.revision) };
          });
        } catch (err) {
          yield { err: err instanceof TopoError ? err : new TopoError('Interrupted', path) };
          return;
        }
        const channel = new WatchChannel({ contents: first.contents, version: first.version });
        const push = (d: WatchData) => channel.push(d);
        const interrupt = () => push({ err: new TopoError('Interrupted', path) });
        signal.addEventListener('abort', interrupt, { once: true });
        conn.closeHooks.add(interrupt);
        // Changes after the read above, resumed by the client from the last revision seen when
        // the stream to etcd reconnects. An error (the revision to resume from was compacted, the
        // watch was canceled by the server) ends the watch: Vitess's callers start a new one.
        let done = false;
        let watcher: Watcher | undefined;
        conn.client
          .watch()
          .key(conn.key(path))
          .startRevision(String(first.revision + 1))
          .create()
          .then(
            (w) => {
              watcher = w;
              w.on('put', (kv: IKeyValue) => push({ contents: bytes(kv.value), version: Number(kv.mod_revision) }));
              w.on('delete', () => push({ err: new TopoError('NoNode', path) }));
              w.on('error', () => push({ err: new TopoError('Interrupted', path) }));
              if (done) void w.cancel().catch(() => undefined);
            },
            () => push({ err: new TopoError('Interrupted', path) }),
          );
        try {
          yield* channel.drain();
        } finally {
          done = true;
          signal.removeEventListener('abort', interrupt);
          conn.closeHooks.delete(interrupt);
          if (watcher) void watcher.cancel().catch(() => undefined);
        }
      },
    };
  }

  async lock(dirPath: string, contents: string, signal?: AbortSignal): Promise<LockDescriptor> {
    // The directory must exist (Vitess lists it first).
    await this.list(dirPath);
    const locksKey = `${this.key(dirPath)}/${LOCKS_DIR}`;
    const lease = this.client.lease(this.leaseTtlSeconds);
    lease.on('lost', () => this.heldLeases.delete(lease));
    this.heldLeases.add(lease);
    try {
      const leaseId = await lease.grant();
      const lockKey = `${locksKey}/${leaseId}`;
      const res = await this.client
        .if(lockKey, 'Version', '==', 0)
        .then(this.client.put(lockKey).value(contents).lease(leaseId))
        .commit();
      if (!res.succeeded) throw new Error(`etcd2 topo: lock key ${lockKey} already exists`);
      // Wait until every older lock key in the directory is gone: then the lock is ours.
      while (!(await this.waitOnLastRev(locksKey, Number(res.header.revision), dirPath, signal)));
    } catch (err) {
      this.heldLeases.delete(lease);
      await lease.revoke().catch(() => undefined);
      throw convertEtcdError(err, dirPath);
    }
    let released = false;
    return {
      check: async () => {
        if (released || this.closed) throw new TopoError('NoNode', dirPath);
        try {
          await lease.keepaliveOnce();
        } catch (err) {
          throw convertEtcdError(err, dirPath);
        }
      },
      unlock: async () => {
        if (released) return;
        released = true;
        if (!this.heldLeases.delete(lease)) return;
        try {
          await lease.revoke();
        } catch (err) {
          throw convertEtcdError(err, dirPath);
        }
      },
    };
  }

  /**
   * Waits for the newest lock key older than `revision` to be deleted (Vitess's waitOnLastRev).
   * True when there was none (the lock is ours), false after a deletion (look again).
   */
  private async waitOnLastRev(locksKey: string, revision: number, dirPath: string, signal?: AbortSignal): Promise<boolean> {
    if (signal?.aborted) throw abortTopoError(signal, dirPath);
    const older = await this.client
      .getAll()
      .prefix(`${locksKey}/`)
      .maxModRevision(revision - 1)
      .sort('Mod', 'Descend')
      .limit(1)
      .exec();
    const blocking = older.kvs[0];
    if (!blocking) return true;
    const watcher = await this.client.watch().key(blocking.key).startRevision(String(revision)).create();
    let cleanup = () => {};
    try {
      await new Promise<void>((resolve, reject) => {
        const onAbort = () => reject(abortTopoError(signal!, dirPath));
        const onClose = () => reject(new TopoError('Interrupted', dirPath));
        cleanup = () => {
          signal?.removeEventListener('abort', onAbort);
          this.closeHooks.delete(onClose);
        };
        watcher.on('delete', () => resolve());
        watcher.on('error', (err: unknown) => reject(err));
        signal?.addEventListener('abort', onAbort, { once: true });
        this.closeHooks.add(onClose);
        // The signal or the Conn may have ended while the watch was being created.
        if (signal?.aborted) onAbort();
        if (this.closed) onClose();
      });
    } finally {
      cleanup();
      void watcher.cancel().catch(() => undefined);
    }
    return false;
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const hook of [...this.closeHooks]) hook();
    this.closeHooks.clear();
    // Locks are released with the Conn: revoke their leases, then close the client.
    const revokes = [...this.heldLeases].map((l) => l.revoke().catch(() => undefined));
    this.heldLeases.clear();
    void Promise.all(revokes).then(() => this.client.close());
  }
}
