/**
 * The live view's model: the cluster read from a {@link ClusterViewSource} into plain JSON
 * sections (keyspaces with their shards and tablets, the serving graph's routing rules, workflows,
 * vtgate's VStream clients, the timeline). Each section is built on its own, so the server can
 * push only those that changed.
 */
import { TabletType, VEventType, tabletAliasString } from '@vtsim/proto';
import { bytesToHex, isTopoError, type TopoServer } from '@vtsim/topo';
import type { workflowdata } from '@vtsim/vtctld';
import type { TimelineEntry, ClusterViewSource } from './view-source.js';

/** A tablet as the view shows it. */
export interface TabletView {
  alias: string;
  type: string;
  serving: boolean;
  /** The mysqld's GTID position (`MySQL56/…`). */
  position: string;
  /** Replication lag in seconds (replicas; undefined for a primary). */
  lagSeconds: number | undefined;
  /** The replication error, '' when none. */
  replicationError: string;
}

/** A shard as the view shows it: its key range and who serves it. */
export interface ShardView {
  name: string;
  /** The key range's start and end in hex ('' = unbounded). */
  start: string;
  end: string;
  /** The shard record's is_primary_serving. */
  primaryServing: boolean;
  /** The tablet types whose serving graph (the cell's SrvKeyspace) names this shard. */
  servedTypes: string[];
  primary: string | undefined;
  tablets: TabletView[];
}

/** A keyspace with its shards. */
export interface KeyspaceView {
  name: string;
  shards: ShardView[];
}

/** The routing rules, one line each, grouped by the table they route. */
export interface RoutingView {
  groups: { table: string; rules: { from: string; to: string[] }[] }[];
}

/** One VReplication stream of a workflow (one `_vt.vreplication` row). */
export interface StreamView {
  id: number;
  /** The target shard. */
  shard: string;
  /** `keyspace/shard` it copies and replicates from. */
  source: string;
  state: string;
  position: string;
  rowsCopied: number;
  message: string;
}

/**
 * A workflow's copy in progress: the rows its streams have copied (`rows_copied`, live) out of the
 * rows to copy (the source tables' rows, counted once when the view first sees the copy).
 */
export interface CopyProgressView {
  /** The tables still being copied. */
  tables: string[];
  rowsCopied: number;
  rowsTotal: number;
  /** 0–100, whole. */
  percentage: number;
}

/** A workflow: its type, streams, copy progress and which traffic it has switched. */
export interface WorkflowView {
  name: string;
  /** The target keyspace. */
  keyspace: string;
  type: string;
  subType: string;
  source: { keyspace: string; shards: string[] };
  target: { keyspace: string; shards: string[] };
  /** `Copying` while a stream still copies, else the streams' common state (`Running`, `Stopped`, `Error`, …). */
  state: string;
  streams: StreamView[];
  /** The copy's progress while it copies; undefined once the copy is done. */
  copy: CopyProgressView | undefined;
  /** Rows copied by all streams so far. */
  rowsCopied: number;
  /** The largest replication lag of its streams, in seconds. */
  lagSeconds: number;
  /** WorkflowStatus's traffic state, e.g. `All Reads Switched. Writes Not Switched`. */
  trafficState: string;
}

/** A VStream client connected to vtgate. */
export interface VStreamClientView {
  id: number;
  tabletType: string;
  filter: { match: string; filter: string }[];
  shards: { keyspace: string; shard: string; gtid: string; copying: string[] }[];
  eventsSent: number;
  eventsPerSecond: number;
  startedAtMs: number;
  lastEventAtMs: number | undefined;
  lastEventType: string | undefined;
}

/** The whole view, section by section. */
export interface ClusterView {
  cell: string;
  keyspaces: KeyspaceView[];
  routing: RoutingView;
  workflows: WorkflowView[];
  vstreams: VStreamClientView[];
  timeline: TimelineEntry[];
}

/** The sections that are read from the cluster (the timeline is pushed as it grows). */
export type SampledSection = 'keyspaces' | 'routing' | 'workflows' | 'vstreams';

/** The sampled sections, in the order they are built. */
export const SAMPLED_SECTIONS: readonly SampledSection[] = ['keyspaces', 'routing', 'workflows', 'vstreams'];

/**
 * Reads the view's sections from a cluster. It remembers each VStream's event count between two
 * reads of `vstreams`, for the events per second.
 */
export class ClusterViewReader {
  private lastCounts = new Map<number, { events: number; atMs: number }>();
  /**
   * Each copying workflow's WorkflowStatus when the view first saw it copy, and the rows it has to
   * copy, by `keyspace.workflow`: WorkflowStatus counts every row of the source and target tables
   * while a copy runs, too costly to repeat each second.
   */
  private copies = new Map<string, { status: workflowdata.WorkflowStatusResponse; rowsTotal: number }>();

  constructor(private readonly source: ClusterViewSource, private readonly now: () => number) {}

  /** The whole view now. */
  async read(): Promise<ClusterView> {
    const [keyspaces, routing, workflows, vstreams] = await Promise.all([this.keyspaces(), this.routing(), this.workflows(), this.vstreams()]);
    return { cell: this.source.cell, keyspaces, routing, workflows, vstreams, timeline: [...this.source.timeline.entries()] };
  }

  /** One sampled section now. */
  section(name: SampledSection): Promise<KeyspaceView[] | RoutingView | WorkflowView[] | VStreamClientView[]> {
    switch (name) {
      case 'keyspaces':
        return this.keyspaces();
      case 'routing':
        return this.routing();
      case 'workflows':
        return this.workflows();
      case 'vstreams':
        return Promise.resolve(this.vstreams());
    }
  }

  /** Keyspaces and shards from the topology and the cell's serving graph, with the running tablets. */
  async keyspaces(): Promise<KeyspaceView[]> {
    const topo = this.source.topo;
    const byShard = new Map<string, TabletView[]>();
    const running = [...this.source.tablets()].sort((a, b) => a.alias.uid - b.alias.uid);
    for (const t of running) {
      const key = `${t.keyspace}/${t.shard}`;
      const replication = t.type === TabletType.PRIMARY ? undefined : t.replicationStatus();
      const list = byShard.get(key) ?? [];
      list.push({
        alias: tabletAliasString(t.alias),
        type: TabletType[t.type] ?? String(t.type),
        serving: t.isServing,
        position: t.position(),
        lagSeconds: replication?.lagSeconds,
        replicationError: replication?.lastError ?? '',
      });
      byShard.set(key, list);
    }
    const out: KeyspaceView[] = [];
    for (const keyspace of (await topo.getKeyspaces()).sort()) {
      const served = await servedTypesByShard(topo, this.source.cell, keyspace);
      const shards: ShardView[] = [];
      for (const info of (await topo.findAllShardsInKeyspace(keyspace)).values()) {
        const kr = info.shard.key_range;
        shards.push({
          name: info.shardName,
          start: kr ? bytesToHex(kr.start) : '',
          end: kr ? bytesToHex(kr.end) : '',
          primaryServing: info.shard.is_primary_serving,
          servedTypes: served.get(info.shardName) ?? [],
          primary: info.shard.primary_alias ? tabletAliasString(info.shard.primary_alias) : undefined,
          tablets: byShard.get(`${keyspace}/${info.shardName}`) ?? [],
        });
      }
      shards.sort((a, b) => (a.start === b.start ? (a.end < b.end ? -1 : 1) : a.start < b.start ? -1 : 1));
      out.push({ name: keyspace, shards });
    }
    return out;
  }

  /** The routing rules, grouped by the table they route (its name without keyspace and tablet type). */
  async routing(): Promise<RoutingView> {
    const { rules } = await this.source.topo.getRoutingRules();
    const groups = new Map<string, { from: string; to: string[] }[]>();
    for (const rule of rules) {
      const table = rule.from_table.replace(/^[^.]*\./, '').replace(/@.*$/, '');
      const list = groups.get(table) ?? [];
      list.push({ from: rule.from_table, to: rule.to_tables });
      groups.set(table, list);
    }
    return { groups: [...groups].sort(([a], [b]) => (a < b ? -1 : 1)).map(([table, list]) => ({ table, rules: list })) };
  }

  /**
   * Every keyspace's workflows with their copy progress and traffic state (WorkflowStatus; while a
   * workflow copies, the one taken when its copy was first seen, as traffic cannot switch then).
   */
  async workflows(): Promise<WorkflowView[]> {
    const vtctld = this.source.vtctld;
    const out: WorkflowView[] = [];
    const copies = new Map<string, { status: workflowdata.WorkflowStatusResponse; rowsTotal: number }>();
    for (const keyspace of (await this.source.topo.getKeyspaces()).sort()) {
      const { workflows } = await vtctld.getWorkflows({ keyspace });
      for (const wf of workflows) {
        const key = `${keyspace}.${wf.name}`;
        const streams = Object.values(wf.shard_streams).flatMap((s) => s.streams);
        const rowsCopied = streams.reduce((n, s) => n + s.rows_copied, 0);
        const copying = streams.some((s) => s.copy_states.length > 0);
        let copy = copying ? this.copies.get(key) : undefined;
        // A workflow whose streams vanished meanwhile (Complete, Cancel) is left out.
        const status = copy?.status ?? (await vtctld.workflowStatus({ keyspace, workflow: wf.name }).catch(() => undefined));
        if (!status) continue;
        if (copying && !copy) {
          // Rows of tables already copied (seen mid-copy) are in rows_copied but no longer in the status.
          const tables = Object.values(status.table_copy_state);
          const done = Math.max(0, rowsCopied - tables.reduce((n, t) => n + t.rows_copied, 0));
          copy = { status, rowsTotal: done + tables.reduce((n, t) => n + t.rows_total, 0) };
        }
        if (copy) copies.set(key, copy);
        out.push(workflowView(keyspace, wf, streams, status, copy?.rowsTotal));
      }
    }
    this.copies = copies;
    return out;
  }

  /** vtgate's running VStreams, with events per second since the last read. */
  vstreams(): VStreamClientView[] {
    const vtgate = this.source.vtgate();
    const now = this.now();
    const counts = new Map<number, { events: number; atMs: number }>();
    const out = (vtgate?.vstreamManager.streamStatus() ?? []).map((s): VStreamClientView => {
      const before = this.lastCounts.get(s.id) ?? { events: 0, atMs: s.startedAtMs };
      counts.set(s.id, { events: s.eventsSent, atMs: now });
      const seconds = (now - before.atMs) / 1000;
      return {
        id: s.id,
        tabletType: TabletType[s.tabletType] ?? String(s.tabletType),
        filter: s.filter.rules.map((r) => ({ match: r.match, filter: r.filter })),
        shards: s.shards,
        eventsSent: s.eventsSent,
        eventsPerSecond: seconds > 0 ? Math.round((10 * (s.eventsSent - before.events)) / seconds) / 10 : 0,
        startedAtMs: s.startedAtMs,
        lastEventAtMs: s.lastEventAtMs,
        lastEventType: s.lastEventType === undefined ? undefined : VEventType[s.lastEventType],
      };
    });
    this.lastCounts = counts;
    return out;
  }
}

/** Which tablet types the cell's SrvKeyspace serves from each shard (none when it has no SrvKeyspace). */
async function servedTypesByShard(topo: TopoServer, cell: string, keyspace: string): Promise<Map<string, string[]>> {
  const served = new Map<string, string[]>();
  const srv = await topo.getSrvKeyspace(cell, keyspace).catch((err: unknown) => {
    if (isTopoError(err, 'NoNode')) return undefined;
    throw err;
  });
  for (const partition of srv?.partitions ?? []) {
    for (const ref of partition.shard_references) {
      const list = served.get(ref.name) ?? [];
      list.push(TabletType[partition.served_type] ?? String(partition.served_type));
      served.set(ref.name, list);
    }
  }
  return served;
}

/** One workflow's view from GetWorkflows' streams and WorkflowStatus; `rowsTotal` is given while it copies. */
function workflowView(keyspace: string, wf: workflowdata.Workflow, streams: workflowdata.WorkflowStream[], status: workflowdata.WorkflowStatusResponse, rowsTotal: number | undefined): WorkflowView {
  const states = new Set(streams.map((s) => s.state));
  const copying = rowsTotal !== undefined;
  const rowsCopied = streams.reduce((n, s) => n + s.rows_copied, 0);
  const copy = copying
    ? {
        tables: [...new Set(streams.flatMap((s) => s.copy_states.map((c) => c.table)))].sort(),
        rowsCopied,
        rowsTotal,
        percentage: rowsTotal > 0 ? Math.min(100, Math.floor((100 * rowsCopied) / rowsTotal)) : 0,
      }
    : undefined;
  return {
    name: wf.name,
    keyspace,
    type: wf.workflow_type,
    subType: wf.workflow_sub_type,
    source: wf.source,
    target: wf.target,
    state: copying ? 'Copying' : states.size === 1 ? [...states][0]! : [...states].sort().join(', '),
    streams: streams
      .map((s) => ({ id: s.id, shard: s.shard, source: `${s.binlog_source.keyspace}/${s.binlog_source.shard}`, state: s.state, position: s.position, rowsCopied: s.rows_copied, message: s.message }))
      .sort((a, b) => (a.shard === b.shard ? a.id - b.id : a.shard < b.shard ? -1 : 1)),
    copy,
    rowsCopied,
    lagSeconds: wf.max_v_replication_lag,
    trafficState: status.traffic_state,
  };
}
