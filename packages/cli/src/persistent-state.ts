/**
 * vttestserver's `--persistent_mode` with `--data_dir`: the cluster's state kept in a directory
 * across restarts. vttestserver keeps its MySQL datadir (and the VSchema changes made while it
 * ran); vtsim keeps the same and, having no external topology server, the topology too: every
 * node of the global and cell topologies (keyspaces, shards, tablets and their types, VSchemas,
 * routing rules, serving graphs), one datadir file per mysqld (see mysqld-datadir.ts in
 * @vtsim/vttablet) and which tablets ran with what spec. Files are written atomically (a temporary
 * file renamed into place) and carry a `format` number. Each save is a new generation: its datadir
 * files have new names, the topology file is written last and names them, and only then are the
 * previous generation's files deleted, so a save interrupted at any point leaves one whole state.
 */
import { createReadStream } from 'node:fs';
import { mkdir, open, readFile, readdir, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { decodePosition } from '@vtsim/binlog';
import { parseTabletAlias, tabletAliasString, type SqlValue } from '@vtsim/proto';
import { TopoError, type Conn } from '@vtsim/topo';
import { dumpMysqldDatadir, loadMysqldDatadir, parseBinlogSource } from '@vtsim/vttablet';
import type { Cluster, TabletSpec } from './cluster.js';

/** The format of the state this code writes and reads; a state of another format is refused. */
export const PERSISTENT_STATE_FORMAT = 1;

/** The file naming everything else in a data dir; its absence means a first start. */
export const TOPOLOGY_FILE = 'topology.json';

const KIND = 'vtsim-persistent-state';
const DATADIR_PREFIX = 'mysqld-';
const DATADIR_SUFFIX = '.jsonl';
/** The temporary files writeFileAtomically renames into place. */
const TEMPORARY = /\.tmp-\d+$/;
/**
 * How long a save waits for replicas and VReplication streams to apply what their source has
 * (what is not applied then is lost with the binlogs); covers VReplication's 1 s idle save.
 */
const CATCH_UP_MS = 3_000;

/** One topology node: its UTF-8 contents, or `{ base64 }` for contents that are not UTF-8. */
type NodeContents = string | { base64: string };

interface SavedServer {
  /** Tablet alias, `zone1-0000000100`. */
  alias: string;
  /** The datadir file, relative to the data dir. */
  file: string;
  /** Whether the mysqld ran (a killed or stopped one comes back stopped). */
  running: boolean;
  /** The spec its vttablet last ran with, if one ever did. */
  spec?: TabletSpec;
  /** Whether that vttablet ran (it is started again on load). */
  tabletRunning: boolean;
}

interface SavedState {
  format: number;
  kind: typeof KIND;
  /** Counts the saves into this data dir; part of the datadir file names. */
  generation: number;
  /** How many datadirs each alias has had, kept or forgotten (a re-created one gets a new server_uuid). */
  incarnations: Record<string, number>;
  global: Record<string, NodeContents>;
  cells: Record<string, Record<string, NodeContents>>;
  servers: SavedServer[];
}

/**
 * Saves the cluster's state into `dataDir` (created if missing), replacing what was there: first
 * each mysqld's datadir, then the topology file. Call it on stop, before Cluster.close and best
 * after vtgate stopped (no client writes meanwhile): replicas and VReplication streams get up to
 * 3 s to apply what their source has, since the binlogs are not kept. Throws on I/O errors (the
 * previous state stays) and for a cluster whose mysqlds are all stopped (one already closed).
 */
export async function savePersistentState(cluster: Cluster, dataDir: string): Promise<void> {
  // Checked first: a closed cluster has also closed its topology.
  requireRunningMysqlds(cluster.keptMysqlds());
  await mkdir(dataDir, { recursive: true });
  const generation = (await previousGeneration(dataDir)) + 1;
  await waitForStreams(cluster, CATCH_UP_MS);
  const global = await readConnFiles(cluster.topo.global);
  const cells: SavedState['cells'] = {};
  for (const cell of await cluster.topo.getCellInfoNames()) cells[cell] = await readConnFiles(await cluster.topo.connForCell(cell));
  // Every datadir is captured in this one synchronous pass: the servers are saved at the same instant.
  const kept = cluster.keptMysqlds();
  requireRunningMysqlds(kept);
  const dumps = kept.map((k) => dumpMysqldDatadir(k.mysqld));
  const incarnations = cluster.datadirIncarnations();
  const servers: SavedServer[] = kept.map((k) => {
    const alias = tabletAliasString(k.alias);
    return { alias, file: `${DATADIR_PREFIX}${alias}.${generation}${DATADIR_SUFFIX}`, running: k.mysqld.running, ...(k.spec ? { spec: k.spec } : {}), tabletRunning: k.tabletRunning };
  });
  for (let i = 0; i < servers.length; i++) await writeFileAtomically(join(dataDir, servers[i]!.file), dumps[i]!);
  const state: SavedState = { format: PERSISTENT_STATE_FORMAT, kind: KIND, generation, incarnations, global, cells, servers };
  await writeFileAtomically(join(dataDir, TOPOLOGY_FILE), [JSON.stringify(state)]);
  const current = new Set(servers.map((s) => s.file));
  // The previous generation's datadirs, and temporary files an interrupted save left.
  for (const name of await readdir(dataDir)) {
    const stale = (name.startsWith(DATADIR_PREFIX) && name.endsWith(DATADIR_SUFFIX) && !current.has(name)) || TEMPORARY.test(name);
    if (stale) await rm(join(dataDir, name), { force: true });
  }
}

/**
 * Loads the state saved in `dataDir` into a freshly started cluster (Cluster.start, nothing added
 * yet): the topology, every mysqld on its datadir (stopped ones stay stopped), then the vttablets
 * that ran, primaries first, each reading its type from the topology as a restarted vttablet
 * does; the SrvVSchema is rebuilt. Start vtgate after it. Returns false, changing nothing, when
 * `dataDir` holds no saved state (a first start: apply the schema and seed data then). Throws an
 * Error naming the file for a state of another format or a corrupted one (the cluster may be
 * partly loaded then: close it), and, changing nothing, when the cluster is not empty or its cell
 * is not one of the saved cluster's.
 */
export async function loadPersistentState(cluster: Cluster, dataDir: string): Promise<boolean> {
  const topologyPath = join(dataDir, TOPOLOGY_FILE);
  let text: string;
  try {
    text = await readFile(topologyPath, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw err;
  }
  const state = parseState(text, topologyPath);
  if (cluster.keptMysqlds().length > 0 || (await cluster.topo.getKeyspaces()).length > 0) {
    throw new Error(`cannot load ${topologyPath}: the cluster already has keyspaces or tablets`);
  }
  const cells = Object.keys(state.cells);
  if (!cells.includes(cluster.cell)) {
    throw new Error(`cannot load ${topologyPath}: it was saved by a cluster in cell${cells.length === 1 ? '' : 's'} ${cells.join(', ')}, not ${cluster.cell}; start with the same cells`);
  }
  await writeConnFiles(cluster.topo.global, state.global);
  for (const [cell, files] of Object.entries(state.cells)) await writeConnFiles(await cluster.topo.connForCell(cell), files);
  cluster.restoreDatadirIncarnations(state.incarnations);
  for (const server of state.servers) {
    const path = join(dataDir, server.file);
    const mysqld = await cluster
      .adoptMysqld(parseTabletAlias(server.alias), server.spec, (opts) => loadMysqldDatadir(readLines(path), opts))
      .catch((err: unknown) => {
        throw new Error(`cannot load ${path}: ${(err as Error).message}`);
      });
    if (!server.running) mysqld.stop();
  }
  const tablets = state.servers.flatMap((s) => (s.tabletRunning && s.spec ? [s.spec] : []));
  const primaries = new Set<string>();
  for (const t of tablets) {
    const primary = (await cluster.topo.getShard(t.keyspace, t.shard)).shard.primary_alias;
    if (primary) primaries.add(tabletAliasString(primary));
  }
  const isPrimary = (t: TabletSpec) => primaries.has(tabletAliasString({ cell: t.cell ?? cluster.cell, uid: t.uid }));
  for (const spec of [...tablets.filter(isPrimary), ...tablets.filter((t) => !isPrimary(t))]) await cluster.addTablet(spec);
  await cluster.topo.rebuildSrvVSchema();
  return true;
}

/** The generation of the state saved in `dataDir`; 0 when there is none or it cannot be read. */
async function previousGeneration(dataDir: string): Promise<number> {
  try {
    const { generation } = JSON.parse(await readFile(join(dataDir, TOPOLOGY_FILE), 'utf8')) as Partial<SavedState>;
    return Number.isInteger(generation) ? generation! : 0;
  } catch {
    return 0;
  }
}

function parseState(text: string, path: string): SavedState {
  let state: Partial<SavedState>;
  try {
    state = JSON.parse(text) as Partial<SavedState>;
  } catch {
    throw new Error(`cannot load ${path}: not JSON (the file is corrupted)`);
  }
  if (typeof state !== 'object' || state === null || state.kind !== KIND) throw new Error(`cannot load ${path}: not a vtsim persistent state file`);
  if (state.format !== PERSISTENT_STATE_FORMAT) {
    throw new Error(`cannot load ${path}: state format ${String(state.format)} is not the one this vtsim reads (${PERSISTENT_STATE_FORMAT}); use the vtsim that wrote it or another --data_dir`);
  }
  if (typeof state.global !== 'object' || typeof state.cells !== 'object' || typeof state.incarnations !== 'object' || !Array.isArray(state.servers)) {
    throw new Error(`cannot load ${path}: the file is incomplete (corrupted)`);
  }
  return state as SavedState;
}

/**
 * Waits until every running replica channel and every running VReplication stream has what its
 * source primary executed (the binlogs are not kept: what is not applied at the save is lost to
 * them), or `ms` passed.
 */
async function waitForStreams(cluster: Cluster, ms: number): Promise<void> {
  const deadline = Date.now() + ms;
  while ((await streamsBehind(cluster)) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10));
}

/** True when a running replica channel or VReplication stream lacks transactions its source has executed. */
async function streamsBehind(cluster: Cluster): Promise<boolean> {
  const byAlias = new Map(cluster.keptMysqlds().map((k) => [tabletAliasString(k.alias), k.mysqld]));
  for (const m of byAlias.values()) {
    const channel = m.replicationChannel;
    if (!m.running || !channel || channel.isStopped) continue;
    const source = byAlias.get(tabletAliasString(channel.source));
    if (source?.running && !m.gtidExecuted().contains(source.gtidExecuted())) return true;
  }
  for (const tablet of cluster.tabletMap().values()) {
    if (!tablet.mysqld.running || !tablet.mysqld.databases().includes(tablet.sidecarDbName)) continue;
    const session = tablet.mysqld.createSession({ database: tablet.sidecarDbName });
    let streams: { pos: string; source: string }[];
    try {
      streams = session.execute("select pos, source from vreplication where state = 'Running'").rows.map((r) => ({ pos: textOf(r[0]!), source: textOf(r[1]!) }));
    } finally {
      session.close();
    }
    for (const stream of streams) {
      const { keyspace, shard } = parseBinlogSource(stream.source);
      const primary = (await cluster.topo.getShard(keyspace, shard)).shard.primary_alias;
      const source = primary && byAlias.get(tabletAliasString(primary));
      if (source?.running && !decodePosition(stream.pos).gtidSet.contains(source.gtidExecuted())) return true;
    }
  }
  return false;
}

function textOf(v: SqlValue): string {
  return v instanceof Uint8Array ? Buffer.from(v).toString('utf8') : String(v);
}

/** Every file under `dir` of a topology Conn, by path. */
async function readConnFiles(conn: Conn, dir = '', out: Record<string, NodeContents> = {}): Promise<Record<string, NodeContents>> {
  let children: string[];
  try {
    children = await conn.list(dir);
  } catch (err) {
    if (err instanceof TopoError && err.code === 'NoNode') return out;
    throw err;
  }
  const utf8 = new TextDecoder('utf-8', { fatal: true });
  for (const child of children) {
    const path = dir === '' ? child : `${dir}/${child}`;
    try {
      const { contents } = await conn.get(path);
      try {
        out[path] = utf8.decode(contents);
      } catch {
        out[path] = { base64: Buffer.from(contents).toString('base64') };
      }
    } catch (err) {
      if (!(err instanceof TopoError && err.code === 'NoNode')) throw err;
    }
    await readConnFiles(conn, path, out);
  }
  return out;
}

async function writeConnFiles(conn: Conn, files: Record<string, NodeContents>): Promise<void> {
  for (const [path, contents] of Object.entries(files)) {
    const bytes = typeof contents === 'string' ? new TextEncoder().encode(contents) : Buffer.from(contents.base64, 'base64');
    await conn.update(path, bytes, null);
  }
}

/** Writes `lines` (each followed by a newline) to a temporary file, syncs it, and renames it to `path`. */
async function writeFileAtomically(path: string, lines: Iterable<string>): Promise<void> {
  const tmp = `${path}.tmp-${process.pid}`;
  const handle = await open(tmp, 'w');
  try {
    let chunk: string[] = [];
    let size = 0;
    for (const line of lines) {
      chunk.push(line);
      size += line.length + 1;
      if (size >= 1 << 20) {
        await handle.write(chunk.join('\n') + '\n');
        chunk = [];
        size = 0;
      }
    }
    if (chunk.length > 0) await handle.write(chunk.join('\n') + '\n');
    await handle.sync();
  } catch (err) {
    await handle.close();
    await rm(tmp, { force: true });
    throw err;
  }
  await handle.close();
  await rename(tmp, path);
}

/** The lines of a file, streamed. */
async function* readLines(path: string): AsyncGenerator<string> {
  const input = createReadStream(path, { encoding: 'utf8', highWaterMark: 1 << 20 });
  const lines = createInterface({ input, crlfDelay: Infinity });
  try {
    yield* lines;
  } finally {
    lines.close();
    input.destroy();
  }
}

/** Refuses to save a cluster whose mysqlds are all stopped (one already closed). */
function requireRunningMysqlds(kept: ReturnType<Cluster['keptMysqlds']>): void {
  if (kept.length > 0 && kept.every((k) => !k.mysqld.running)) throw new Error('every mysqld of the cluster is stopped: save the state before Cluster.close');
}
