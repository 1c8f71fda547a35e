/**
 * The workflow runner: Reshard and MoveTables in one call, as an operator runs them with
 * vtctldclient — start the target shards' tablets, create the workflow, wait until the copy is done
 * and the streams run, then (when asked) SwitchTraffic and Complete — reporting each step and the
 * copy's progress. Shared by the TS API (start-cluster.ts), `vtsim reshard|movetables` (through the
 * control API) and the guided tour (example-workflow-steps.ts).
 */
import { decodePosition, positionAtLeast, type Position } from '@vtsim/binlog';
import { TabletType, tabletAliasString } from '@vtsim/proto';
import type { workflowdata } from '@vtsim/vtctld';
import type { Cluster } from './cluster.js';

/** One report of a running workflow: a step done, or a table's copy progress. */
export type WorkflowProgress =
  | { kind: 'step'; text: string }
  | { kind: 'copy'; table: string; rowsCopied: number; rowsTotal: number };

/** Receives the runner's reports. */
export type ProgressListener = (event: WorkflowProgress) => void;

/** What to do after the copy: switch reads and writes, then complete (drop the sources). */
export interface WorkflowFinish {
  /** SwitchTraffic for PRIMARY, REPLICA and RDONLY once the streams run (default false). */
  switchTraffic?: boolean;
  /**
   * Complete the workflow after switching (implies switchTraffic; default false): the sources'
   * tables (MoveTables) or shards (Reshard) are deleted; their tablets keep running, as in Vitess.
   */
  complete?: boolean;
  /** How long to wait for the copy, and then for the catch-up, to finish (default 600 000 ms each). */
  timeoutMs?: number;
  /** Called with each step and copy report. */
  onProgress?: ProgressListener;
}

/** Options of {@link runReshard} (vtctldclient Reshard create's, plus what to do after the copy). */
export interface ReshardOptions extends WorkflowFinish {
  /** The workflow's name (default `reshard`). */
  workflow?: string;
}

/** Options of {@link runMoveTables} (vtctldclient MoveTables create's, plus what to do after the copy). */
export interface MoveTablesOptions extends WorkflowFinish {
  sourceKeyspace: string;
  targetKeyspace: string;
  /** The tables to move; all the source's tables when omitted. */
  tables?: string[];
  /** The workflow's name (default `<source>2<target>`, as the local example names it). */
  workflow?: string;
  /** The target keyspace's shards to create when it has none (default `0`). */
  targetShards?: string[];
}

/** What a finished run did. */
export interface WorkflowResult {
  workflow: string;
  keyspace: string;
  /** The traffic state after the run (vtctldclient's `Current State`). */
  trafficState: string;
  /** The tablets started for the target shards, as alias strings. */
  startedTablets: string[];
}

/** How many tablets of each kind a shard has (the layout new shards copy). */
export interface TabletLayout {
  /** Tablets that can be primary: PRIMARY and REPLICA (the first becomes primary). */
  replicaCount: number;
  rdonlyCount: number;
}

/** The local example's layout: a primary, a replica and an rdonly (vttestserver's defaults). */
export const DEFAULT_TABLET_LAYOUT: TabletLayout = { replicaCount: 2, rdonlyCount: 1 };

const POLL_MS = 50;

/**
 * The first uid of a fresh block of 100 in the cluster's cell: one above every uid the topology
 * or the running cluster uses, rounded up to the next hundred (the local example's numbering).
 */
async function freeUidBlock(cluster: Cluster): Promise<number> {
  const used = (await cluster.topo.getTabletAliasesByCell(cluster.cell)).map((a) => a.uid);
  for (const t of cluster.tabletMap().values()) used.push(t.alias.uid);
  return (Math.floor(Math.max(0, ...used) / 100) + 1) * 100;
}

/**
 * Starts a shard's tablets in `layout` (REPLICAs first, which elect the first as primary, then
 * RDONLYs) on free uids; resolves with their aliases once each serves.
 */
export async function startShardTablets(cluster: Cluster, keyspace: string, shard: string, layout: TabletLayout = DEFAULT_TABLET_LAYOUT): Promise<string[]> {
  if (layout.replicaCount < 1) throw new Error(`shard ${keyspace}/${shard} needs at least one tablet that can be primary`);
  const base = await freeUidBlock(cluster);
  const aliases: string[] = [];
  for (let j = 0; j < layout.replicaCount + layout.rdonlyCount; j++) {
    const tablet = await cluster.addTablet({ keyspace, shard, uid: base + j, type: j < layout.replicaCount ? TabletType.REPLICA : TabletType.RDONLY });
    aliases.push(tabletAliasString(tablet.alias));
  }
  return aliases;
}

/** The layout of a shard's tablets in the topology; the default layout for a shard without tablets. */
async function layoutOf(cluster: Cluster, keyspace: string, shard: string): Promise<TabletLayout> {
  const tablets = await cluster.topo.getTabletsByShard(keyspace, shard);
  const rdonlyCount = tablets.filter((t) => t.tablet.type === TabletType.RDONLY).length;
  const replicaCount = tablets.filter((t) => t.tablet.type === TabletType.PRIMARY || t.tablet.type === TabletType.REPLICA).length;
  return replicaCount > 0 ? { replicaCount, rdonlyCount } : DEFAULT_TABLET_LAYOUT;
}

/** The keyspace's serving shards (the primary-serving ones), in name order; an error for an unknown or empty keyspace. */
async function servingShards(cluster: Cluster, keyspace: string): Promise<string[]> {
  const shards = [...(await cluster.topo.findAllShardsInKeyspace(keyspace)).values()];
  const serving = shards.filter((s) => s.shard.is_primary_serving).map((s) => s.shardName).sort();
  if (serving.length === 0) throw new Error(`keyspace ${keyspace} has no serving shards`);
  return serving;
}

/** The target shards the runner started tablets for (see ensureShardTablets). */
interface StartedTargets {
  keyspace: string;
  /** Shards that had no tablets: the runner started theirs. */
  shards: string[];
  /** The aliases of the tablets started. */
  tablets: string[];
  /** Whether the keyspace had no shards at all before. */
  newKeyspace: boolean;
}

/** Starts tablets for each of `shards` that has none, in `layout`. */
async function ensureShardTablets(cluster: Cluster, keyspace: string, shards: readonly string[], layout: TabletLayout, report: ProgressListener): Promise<StartedTargets> {
  const started: StartedTargets = { keyspace, shards: [], tablets: [], newKeyspace: (await cluster.topo.getShardNames(keyspace).catch(() => [])).length === 0 };
  try {
    for (const shard of shards) {
      const existing = await cluster.topo.getTabletsByShard(keyspace, shard).catch(() => []);
      if (existing.length > 0) continue;
      started.shards.push(shard);
      const aliases = await startShardTablets(cluster, keyspace, shard, layout);
      report({ kind: 'step', text: `started tablets ${aliases.join(', ')} for ${keyspace}/${shard}` });
      started.tablets.push(...aliases);
    }
  } catch (err) {
    await undoTargets(cluster, started);
    throw err;
  }
  return started;
}

/**
 * Undoes ensureShardTablets when the workflow could not be created (a bad shard name or key
 * range, an unknown table…): deletes the tablets it started with their data, their shards, and the
 * keyspace when it created it, so a failed run leaves the cluster as it found it.
 */
async function undoTargets(cluster: Cluster, started: StartedTargets): Promise<void> {
  const { keyspace, shards } = started;
  for (const t of [...cluster.tabletMap().values()]) {
    if (t.keyspace === keyspace && shards.includes(t.shard)) await cluster.deleteTablet(t.alias.uid, { cell: t.alias.cell, allowPrimary: true });
  }
  if (started.newKeyspace) {
    await cluster.vtctld.deleteKeyspace({ keyspace, recursive: true }).catch(() => undefined);
  } else if (shards.length > 0) {
    await cluster.vtctld.deleteShards({ shards: shards.map((name) => ({ keyspace, name })), recursive: true, even_if_serving: true }).catch(() => undefined);
  }
}

/** Runs `create`; when it fails, undoes the targets started for it (undoTargets) and throws its error. */
async function createOrUndo(cluster: Cluster, started: StartedTargets, create: () => Promise<unknown>): Promise<void> {
  try {
    await create();
  } catch (err) {
    await undoTargets(cluster, started);
    throw err;
  }
}

/**
 * Waits until every stream of the workflow runs with nothing left to copy (the local example's
 * `wait_for_workflow_running`), reporting each copying table's progress when it changes. Throws
 * the stream's message when a stream is in Error, or after `timeoutMs`.
 */
export async function waitForWorkflowRunning(cluster: Cluster, keyspace: string, workflow: string, timeoutMs = 600_000, report: ProgressListener = () => undefined): Promise<workflowdata.WorkflowStream[]> {
  const deadline = performance.now() + timeoutMs;
  const reported = new Map<string, string>();
  for (;;) {
    const { workflows } = await cluster.vtctld.getWorkflows({ keyspace, workflow });
    const streams = workflows.flatMap((w) => Object.values(w.shard_streams).flatMap((s) => s.streams));
    const failed = streams.find((s) => s.state === 'Error');
    if (failed) throw new Error(`workflow ${keyspace}.${workflow}: stream ${failed.id} on ${keyspace}/${failed.shard} failed: ${failed.message}`);
    if (streams.some((s) => s.copy_states.length > 0)) {
      const status = await cluster.vtctld.workflowStatus({ keyspace, workflow });
      for (const [table, copy] of Object.entries(status.table_copy_state)) {
        const key = `${copy.rows_copied}/${copy.rows_total}`;
        if (reported.get(table) === key) continue;
        reported.set(table, key);
        report({ kind: 'copy', table, rowsCopied: copy.rows_copied, rowsTotal: copy.rows_total });
      }
    } else if (streams.length > 0 && streams.every((s) => s.state === 'Running')) {
      return streams;
    }
    if (performance.now() > deadline) throw new Error(`workflow ${keyspace}.${workflow} did not finish its copy within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, POLL_MS));
  }
}

/**
 * Waits until every stream has applied what its source shard's primary had executed when the copy
 * ended (catch-up); throws after `timeoutMs`.
 */
async function waitForCatchUp(cluster: Cluster, keyspace: string, workflow: string, streams: readonly workflowdata.WorkflowStream[], timeoutMs: number): Promise<void> {
  const goals = new Map<string, Position>();
  for (const { binlog_source: src } of streams) {
    const key = `${src.keyspace}/${src.shard}`;
    if (goals.has(key)) continue;
    const primary = (await cluster.topo.getShard(src.keyspace, src.shard)).shard.primary_alias;
    const tablet = primary ? cluster.tabletMap().get(tabletAliasString(primary)) : undefined;
    if (!tablet) throw new Error(`workflow ${keyspace}.${workflow}: the primary of source shard ${key} is not running`);
    goals.set(key, decodePosition(tablet.position()));
  }
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const { workflows } = await cluster.vtctld.getWorkflows({ keyspace, workflow });
    const current = workflows.flatMap((w) => Object.values(w.shard_streams).flatMap((s) => s.streams));
    if (current.every((s) => positionAtLeast(decodePosition(s.position), goals.get(`${s.binlog_source.keyspace}/${s.binlog_source.shard}`)!))) return;
    if (performance.now() > deadline) throw new Error(`workflow ${keyspace}.${workflow} did not catch up with its sources within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, POLL_MS));
  }
}

/** After the copy: catch-up, then SwitchTraffic and Complete as `finish` asks; resolves with the traffic state. */
async function finishWorkflow(cluster: Cluster, keyspace: string, workflow: string, finish: WorkflowFinish, report: ProgressListener): Promise<string> {
  const timeoutMs = finish.timeoutMs ?? 600_000;
  const streams = await waitForWorkflowRunning(cluster, keyspace, workflow, timeoutMs, report);
  await waitForCatchUp(cluster, keyspace, workflow, streams, timeoutMs);
  const rows = streams.reduce((n, s) => n + s.rows_copied, 0);
  report({ kind: 'step', text: `workflow ${keyspace}.${workflow} is running and caught up: ${streams.length} stream(s), ${rows} rows copied` });
  let state = (await cluster.vtctld.workflowStatus({ keyspace, workflow })).traffic_state;
  if (!finish.switchTraffic && !finish.complete) return state;
  const switched = await cluster.vtctld.workflowSwitchTraffic({ keyspace, workflow, enable_reverse_replication: true });
  state = switched.current_state;
  report({ kind: 'step', text: `SwitchTraffic was successful for workflow ${keyspace}.${workflow}; Current State: ${state}` });
  if (!finish.complete) return state;
  const completed = await cluster.vtctld.moveTablesComplete({ workflow, target_keyspace: keyspace });
  report({ kind: 'step', text: completed.summary });
  await reportOrphanTablets(cluster, report);
  return 'Completed';
}

/**
 * Names the running tablets whose records Complete deleted (a resharded keyspace's old shards). As
 * in Vitess, Complete stops no process: they keep serving the VStreams still reading their binlogs
 * up to the journal, until stopped (`vtsim tablet down`, Cluster.removeTablet).
 */
async function reportOrphanTablets(cluster: Cluster, report: ProgressListener): Promise<void> {
  const recorded = new Set((await cluster.topo.getTabletAliasesByCell(cluster.cell)).map((a) => tabletAliasString(a)));
  const orphans = [...cluster.tabletMap().keys()].filter((alias) => alias.startsWith(`${cluster.cell}-`) && !recorded.has(alias));
  if (orphans.length > 0) report({ kind: 'step', text: `tablets ${orphans.join(', ')} of the deleted shards keep running until stopped` });
}

/**
 * Reshards `keyspace` from its serving shards into `targetShards` (vtctldclient Reshard create):
 * starts tablets for the target shards that have none, in the layout of the first source shard,
 * creates the workflow, waits for its copy, and switches traffic / completes as asked.
 */
export async function runReshard(cluster: Cluster, keyspace: string, targetShards: readonly string[], opts: ReshardOptions = {}): Promise<WorkflowResult> {
  const report = opts.onProgress ?? (() => undefined);
  const workflow = opts.workflow ?? 'reshard';
  if (targetShards.length === 0) throw new Error('reshard needs the target shards (e.g. -80,80-)');
  const sources = await servingShards(cluster, keyspace);
  const started = await ensureShardTablets(cluster, keyspace, targetShards, await layoutOf(cluster, keyspace, sources[0]!), report);
  await createOrUndo(cluster, started, () => cluster.vtctld.reshardCreate({ workflow, keyspace, source_shards: sources, target_shards: [...targetShards] }));
  report({ kind: 'step', text: `created Reshard workflow ${keyspace}.${workflow}: ${sources.join(',')} → ${targetShards.join(',')}` });
  const trafficState = await finishWorkflow(cluster, keyspace, workflow, opts, report);
  return { workflow, keyspace, trafficState, startedTablets: started.tablets };
}

/**
 * Moves tables from `sourceKeyspace` to `targetKeyspace` (vtctldclient MoveTables create): creates
 * the target keyspace's shards and tablets when it has none (in the layout of the source's first
 * shard), creates the workflow, waits for its copy, and switches traffic / completes as asked.
 */
export async function runMoveTables(cluster: Cluster, opts: MoveTablesOptions): Promise<WorkflowResult> {
  const report = opts.onProgress ?? (() => undefined);
  const { sourceKeyspace, targetKeyspace } = opts;
  const workflow = opts.workflow ?? `${sourceKeyspace}2${targetKeyspace}`;
  const sources = await servingShards(cluster, sourceKeyspace);
  const existing = [...(await cluster.topo.findAllShardsInKeyspace(targetKeyspace).catch(() => new Map()))].length;
  const targetShards = existing > 0 ? [] : (opts.targetShards ?? ['0']);
  const started = await ensureShardTablets(cluster, targetKeyspace, targetShards, await layoutOf(cluster, sourceKeyspace, sources[0]!), report);
  await createOrUndo(cluster, started, () => cluster.vtctld.moveTablesCreate({
    workflow,
    source_keyspace: sourceKeyspace,
    target_keyspace: targetKeyspace,
    ...(opts.tables?.length ? { include_tables: opts.tables } : { all_tables: true }),
  }));
  report({ kind: 'step', text: `created MoveTables workflow ${targetKeyspace}.${workflow}: ${opts.tables?.length ? opts.tables.join(',') : 'all tables'} from ${sourceKeyspace}` });
  const trafficState = await finishWorkflow(cluster, targetKeyspace, workflow, opts, report);
  return { workflow, keyspace: targetKeyspace, trafficState, startedTablets: started.tablets };
}

/** The plain-text line of a report: the step's text, or `copying <table>: 1200/5000 rows (24%)`. */
export function progressLine(event: WorkflowProgress): string {
  if (event.kind === 'step') return event.text;
  const pct = event.rowsTotal > 0 ? Math.min(100, Math.floor((100 * event.rowsCopied) / event.rowsTotal)) : 0;
  return `copying ${event.table}: ${event.rowsCopied}/${event.rowsTotal} rows (${pct}%)`;
}
