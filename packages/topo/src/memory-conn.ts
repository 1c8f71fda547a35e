/**
 * The in-memory topology backend: one {@link MemoryTopoStore} holds every node; a
 * {@link MemoryConn} sees the part of it under a root prefix, so the global topology and each
 * cell's topology can share one store (`/vitess/global`, `/vitess/zone1`), as etcd does.
 */
import type { Conn, LockDescriptor, Version, WatchData } from './conn.js';
import { TopoError, abortTopoError } from './errors.js';
import { WatchChannel } from './watch-channel.js';

interface Watcher {
  push(data: WatchData): void;
}

class TreeNode {
  readonly children = new Map<string, TreeNode>();
  contents: Uint8Array | null = null;
  version: Version = 0;
  readonly watchers = new Set<Watcher>();

  constructor(
    readonly name: string,
    readonly parent: TreeNode | null,
  ) {}
}

interface LockState {
  held: boolean;
  readonly waiters: Array<() => void>;
}

function segments(path: string): string[] {
  return path.split('/').filter((s) => s !== '');
}

/** One in-memory tree of topology nodes, shared by every {@link MemoryConn} made from it. */
export class MemoryTopoStore {
  private readonly root = new TreeNode('', null);
  private readonly locks = new Map<string, LockState>();
  private nextVersion: Version = 1;

  /** A Conn on the nodes under `root` (e.g. `/vitess/global`); the empty root is the whole store. */
  conn(root = ''): MemoryConn {
    return new MemoryConn(this, segments(root));
  }

  /** @internal The node at `segs`, or undefined. */
  find(segs: readonly string[]): TreeNode | undefined {
    let n: TreeNode | undefined = this.root;
    for (const s of segs) {
      n = n.children.get(s);
      if (!n) return undefined;
    }
    return n;
  }

  /** @internal The file at `segs` (a node with contents), or undefined. */
  file(segs: readonly string[]): TreeNode | undefined {
    const n = this.find(segs);
    return n && n.contents !== null ? n : undefined;
  }

  /** @internal Writes a file's contents, creating the node and its directories as needed. */
  write(segs: readonly string[], contents: Uint8Array): Version {
    let n = this.root;
    for (const s of segs) {
      let c = n.children.get(s);
      if (!c) {
        c = new TreeNode(s, n);
        n.children.set(s, c);
      }
      n = c;
    }
    n.contents = contents.slice();
    n.version = this.nextVersion++;
    for (const w of n.watchers) w.push({ contents: n.contents.slice(), version: n.version });
    return n.version;
  }

  /** @internal Removes a file, tells its watchers, and prunes directories left empty. */
  remove(node: TreeNode, relPath: string): void {
    node.contents = null;
    for (const w of node.watchers) w.push({ err: new TopoError('NoNode', relPath) });
    node.watchers.clear();
    let n: TreeNode | null = node;
    while (n && n.parent && n.contents === null && n.children.size === 0) {
      n.parent.children.delete(n.name);
      n = n.parent;
    }
  }

  /** @internal The lock state of a directory path. */
  lockState(key: string): LockState {
    let s = this.locks.get(key);
    if (!s) {
      s = { held: false, waiters: [] };
      this.locks.set(key, s);
    }
    return s;
  }
}

/** A {@link Conn} on a {@link MemoryTopoStore}, seeing the nodes under its root prefix. */
export class MemoryConn implements Conn {
  private closed = false;
  private readonly closeHooks = new Set<() => void>();

  /** Use {@link MemoryTopoStore.conn} to make one. */
  constructor(
    private readonly store: MemoryTopoStore,
    private readonly rootSegs: readonly string[],
  ) {}

  private segs(path: string): string[] {
    if (this.closed) throw new TopoError('Interrupted', path);
    return [...this.rootSegs, ...segments(path)];
  }

  async create(path: string, contents: Uint8Array): Promise<Version> {
    const segs = this.segs(path);
    if (this.store.find(segs)) throw new TopoError('NodeExists', path);
    return this.store.write(segs, contents);
  }

  async get(path: string): Promise<{ contents: Uint8Array; version: Version }> {
    const n = this.store.file(this.segs(path));
    if (!n) throw new TopoError('NoNode', path);
    return { contents: n.contents!.slice(), version: n.version };
  }

  async update(path: string, contents: Uint8Array, version: Version | null): Promise<Version> {
    const segs = this.segs(path);
    if (version !== null) {
      const n = this.store.file(segs);
      if (!n) throw new TopoError('NoNode', path);
      if (n.version !== version) throw new TopoError('BadVersion', path);
    }
    return this.store.write(segs, contents);
  }

  async delete(path: string, version: Version | null): Promise<void> {
    const n = this.store.file(this.segs(path));
    if (!n) throw new TopoError('NoNode', path);
    if (version !== null && n.version !== version) throw new TopoError('BadVersion', path);
    this.store.remove(n, path);
  }

  async list(dirPath: string): Promise<string[]> {
    const n = this.store.find(this.segs(dirPath));
    if (!n || n.children.size === 0) throw new TopoError('NoNode', dirPath);
    return [...n.children.keys()].sort();
  }

  watch(path: string, signal: AbortSignal): AsyncIterable<WatchData> {
    const conn = this;
    return {
      async *[Symbol.asyncIterator]() {
        if (conn.closed || signal.aborted) {
          yield { err: new TopoError('Interrupted', path) };
          return;
        }
        const node = conn.store.file(conn.segs(path));
        if (!node) {
          yield { err: new TopoError('NoNode', path) };
          return;
        }
        const watcher = new WatchChannel({ contents: node.contents!.slice(), version: node.version });
        const interrupt = () => {
          node.watchers.delete(watcher);
          watcher.push({ err: new TopoError('Interrupted', path) });
        };
        node.watchers.add(watcher);
        signal.addEventListener('abort', interrupt, { once: true });
        conn.closeHooks.add(interrupt);
        try {
          yield* watcher.drain();
        } finally {
          node.watchers.delete(watcher);
          signal.removeEventListener('abort', interrupt);
          conn.closeHooks.delete(interrupt);
        }
      },
    };
  }

  async lock(dirPath: string, _contents: string, signal?: AbortSignal): Promise<LockDescriptor> {
    const segs = this.segs(dirPath);
    if (!this.store.find(segs)) throw new TopoError('NoNode', dirPath);
    const state = this.store.lockState(segs.join('/'));
    while (state.held) {
      if (signal?.aborted) throw abortTopoError(signal, dirPath);
      await new Promise<void>((resolve, reject) => {
        const onAbort = () => {
          cleanup();
          reject(abortTopoError(signal!, dirPath));
        };
        const onClose = () => {
          cleanup();
          reject(new TopoError('Interrupted', dirPath));
        };
        const waiter = () => {
          cleanup();
          resolve();
        };
        const cleanup = () => {
          const i = state.waiters.indexOf(waiter);
          if (i >= 0) state.waiters.splice(i, 1);
          signal?.removeEventListener('abort', onAbort);
          this.closeHooks.delete(onClose);
        };
        state.waiters.push(waiter);
        signal?.addEventListener('abort', onAbort, { once: true });
        this.closeHooks.add(onClose);
      });
    }
    if (signal?.aborted) {
      state.waiters[0]?.();
      throw abortTopoError(signal, dirPath);
    }
    state.held = true;
    let released = false;
    return {
      async check() {
        if (released) throw new TopoError('NoNode', dirPath);
      },
      async unlock() {
        if (released) return;
        released = true;
        state.held = false;
        state.waiters[0]?.();
      },
    };
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const hook of [...this.closeHooks]) hook();
    this.closeHooks.clear();
  }
}
