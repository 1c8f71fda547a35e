/**
 * Conn: the narrow key/value interface every topology backend implements (Vitess's topo.Conn).
 * Paths are relative to the Conn's root, use `/` separators and have no leading slash
 * (`keyspaces/commerce/Keyspace`). Directories exist implicitly while they hold a file.
 */
import type { TopoError } from './errors.js';

/** A node's version: it changes on every write of that node. */
export type Version = number;

/** One value of a watch: the node's contents and version, or the error that ends the watch. */
export type WatchData = { contents: Uint8Array; version: Version; err?: undefined } | { err: TopoError };

/** A held lock on a directory. */
export interface LockDescriptor {
  /** Resolves while the lock is still held; throws a TopoError (NoNode) once it is not. */
  check(): Promise<void>;
  /** Releases the lock; idempotent. */
  unlock(): Promise<void>;
}

/** The generic key/value operations a topology server needs. All failures are TopoErrors. */
export interface Conn {
  /** Creates a file; NodeExists if it already exists. Returns the new version. */
  create(path: string, contents: Uint8Array): Promise<Version>;
  /** Reads a file; NoNode if it does not exist. */
  get(path: string): Promise<{ contents: Uint8Array; version: Version }>;
  /**
   * Writes a file. With a version, the write happens only if the file is at that version
   * (BadVersion otherwise, NoNode if the file is missing); with null it is unconditional and
   * creates the file if needed. Returns the new version.
   */
  update(path: string, contents: Uint8Array, version: Version | null): Promise<Version>;
  /** Deletes a file (NoNode if missing; BadVersion if a given version does not match). */
  delete(path: string, version: Version | null): Promise<void>;
  /** The names of a directory's children (files and directories), sorted; NoNode if the directory is empty or missing. */
  list(dirPath: string): Promise<string[]>;
  /**
   * Watches a file. The first value is its current contents, then one value per change. If the
   * file does not exist (at the start or later) the watch yields a NoNode error entry and ends;
   * when `signal` aborts or the Conn closes, it yields an Interrupted error entry and ends.
   */
  watch(path: string, signal: AbortSignal): AsyncIterable<WatchData>;
  /**
   * Takes the exclusive lock of a directory, waiting while another holder has it. NoNode if the
   * directory does not exist. When `signal` aborts before the lock is taken, throws Timeout if the
   * abort reason is a `TimeoutError` (as from `AbortSignal.timeout`) and Interrupted otherwise.
   */
  lock(dirPath: string, contents: string, signal?: AbortSignal): Promise<LockDescriptor>;
  /** Closes the Conn: ends its watches and pending lock waits (Interrupted); idempotent. */
  close(): void;
}
