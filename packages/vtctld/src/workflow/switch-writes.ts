/**
 * Switching writes (Vitess's switchWrites), in Vitess's order: lock the keyspaces; if no journal
 * exists yet, stop source writes (denied tables for MoveTables, a disabled query service for
 * Reshard), capture the source positions, wait for every target stream to reach them, stop the
 * streams for the cutover, record the target positions and create the `_reverse` streams on the
 * sources (Stopped). Then, past the point of no return, write identical journals into every
 * source primary's `resharding_journal` (in its binlog, so VStreams see a JOURNAL), allow target
 * writes, move the routing (rules, or `is_primary_serving` and the PRIMARY partition), start
 * the reverse streams and freeze the workflow. A failure before the journals undoes the cutover.
 */
import { Code, MigrationType, TabletType, valueToText, type BinlogSource, type Journal, type KeyspaceVSchema } from '@vtsim/proto';
import { compareKeyRangeStarts, isTopoError, keyRangeIntersect, keyRangeIsComplete, keyRangeString, type Unlock } from '@vtsim/topo';
import { formatJournal } from '@vtsim/vttablet';
import type { VtctldContext } from '../vtctld-context.js';
import { vtctldError } from '../vtctld-error.js';
import { ruleMap, switchWriteRules, toRoutingRules } from './routing-rules.js';
import { updateDeniedTables, updateDisableQueryService } from './serving-controls.js';
import { sqlString } from './sql-literal.js';
import type { TrafficSwitcher, WorkflowSource, WorkflowTarget } from './traffic-switcher.js';
import { deleteWorkflowSql, insertStreamSql, readCopyStates, updateStateSql } from './vreplication-stream.js';

/** How a write switch runs. */
export interface SwitchWritesOptions {
  /** How long every target stream may take to catch up with the sources, in ms. */
  timeoutMs: number;
  /** Create and start the `_reverse` workflow (Vitess's `--enable-reverse-replication`). */
  enableReverseReplication: boolean;
}

/**
 * How long statements vtgate routed before source writes stopped get to reach the source before
 * its position is captured (they then replicate like any other write), in ms.
 */
const SETTLE_MS = 5;

/** How many times the catch-up is redone when a source moved while its streams were stopping. */
const CATCHUP_ATTEMPTS = 3;

/** The message target streams carry while stopped for the cutover. */
const STOPPED_FOR_CUTOVER = 'stopped for cutover';

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * Switches writes of a workflow to its targets. A frozen workflow (writes already switched) is
 * left alone. FAILED_PRECONDITION when a stream still copies or is not running;
 * DEADLINE_EXCEEDED when the targets do not catch up within `timeoutMs` (the cutover is then
 * undone and writes stay on the sources).
 */
export async function switchWrites(ctx: VtctldContext, ts: TrafficSwitcher, opts: SwitchWritesOptions): Promise<void> {
  if (ts.frozen) return;
  const unlocks: Unlock[] = [await ctx.topo.lockKeyspace(ts.sourceKeyspace, 'SwitchWrites')];
  try {
    if (ts.targetKeyspace !== ts.sourceKeyspace) unlocks.push(await ctx.topo.lockKeyspace(ts.targetKeyspace, 'SwitchWrites'));
    const journals = await existingJournals(ts);
    if (journals.size === 0) {
      await checkCanSwitch(ts);
      try {
        await stopSourceWrites(ctx, ts);
        await sleep(SETTLE_MS);
        await waitForCatchup(ctx, ts, opts.timeoutMs);
        if (opts.enableReverseReplication) await createReverseVReplication(ctx, ts);
      } catch (err) {
        await cancelMigration(ctx, ts);
        throw err;
      }
    }
    await createJournals(ts, journals);
    ctx.logger.info('SwitchTraffic: journals created', { workflow: ts.workflow, keyspace: ts.targetKeyspace, journal_id: String(ts.journalId), source_shards: [...ts.sources.keys()] });
    await allowTargetWrites(ctx, ts);
    await changeRouting(ctx, ts);
    if (opts.enableReverseReplication) {
      for (const s of ts.sources.values()) await s.tm.vreplicationExec(updateStateSql(ts.sourceDbName, ts.reverseWorkflow, 'Running', ''));
    }
    for (const t of ts.targets.values()) {
      await t.tm.vreplicationExec(
        `update _vt.vreplication set message = 'FROZEN' where db_name = ${sqlString(ts.targetDbName)} and workflow = ${sqlString(ts.workflow)}`,
      );
    }
  } finally {
    for (const unlock of unlocks.reverse()) await unlock();
  }
}

/** The journal texts already recorded for this cutover, by source shard (a resumed switch). */
async function existingJournals(ts: TrafficSwitcher): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for (const s of ts.sources.values()) {
    const r = await s.tm.executeFetchAsDba(`select val from resharding_journal where id = ${ts.journalId}`, ts.sourceSidecarDb);
    const val = r.rows[0]?.[0];
    if (val !== undefined && val !== null) out.set(s.shard, valueToText(val) ?? '');
  }
  return out;
}

/** FAILED_PRECONDITION unless every target stream runs and has finished copying. */
async function checkCanSwitch(ts: TrafficSwitcher): Promise<void> {
  for (const t of ts.targets.values()) {
    const copying = await readCopyStates(t.tm, t.streams.map((s) => s.id));
    for (const s of t.streams) {
      const why = (copying.get(s.id)?.length ?? 0) > 0 ? 'is still copying' : s.state !== 'Running' ? `is in the ${s.state} state${s.message ? ` (${s.message})` : ''}` : '';
      if (why) {
        throw vtctldError(Code.FAILED_PRECONDITION, `cannot switch traffic for workflow ${ts.workflow} at this time: stream ${s.id} on shard ${ts.targetKeyspace}/${t.shard} ${why}`);
      }
    }
  }
}

/** Stops writes to what moves: denied tables on the source shards, or their query service. */
async function stopSourceWrites(ctx: VtctldContext, ts: TrafficSwitcher): Promise<void> {
  if (ts.migrationType === MigrationType.TABLES) {
    await updateDeniedTables(ctx.topo, ts.sourceKeyspace, ts.sourceShards(), ts.tables, false);
    await ctx.topo.rebuildSrvVSchema();
  } else {
    await updateDisableQueryService(ctx.topo, ts.sourceKeyspace, [...ts.sources.values()].map(shardRef), true);
  }
  for (const s of ts.sources.values()) await s.tm.refreshState();
}

function shardRef(s: WorkflowSource | WorkflowTarget) {
  return { name: s.shard, keyRange: s.si.shard.key_range };
}

/**
 * Captures the source positions, waits for every target stream to reach its source's position
 * and stops the streams for the cutover; redone (at most CATCHUP_ATTEMPTS times) while a source
 * moved in the meantime, so a write that was already on its way is not left behind. Then records
 * the target positions.
 */
async function waitForCatchup(ctx: VtctldContext, ts: TrafficSwitcher, timeoutMs: number): Promise<void> {
  const deadline = ctx.clock.now() + timeoutMs;
  for (let attempt = 1; ; attempt++) {
    for (const s of ts.sources.values()) s.position = await s.tm.primaryPosition();
    for (const t of ts.targets.values()) {
      for (const stream of t.streams) {
        const remaining = Math.max(1, Math.round(deadline - ctx.clock.now()));
        await t.tm.vreplicationWaitForPos(stream.id, ts.sources.get(stream.source.shard)!.position, remaining);
      }
    }
    for (const t of ts.targets.values()) await t.tm.vreplicationExec(updateStateSql(ts.targetDbName, ts.workflow, 'Stopped', STOPPED_FOR_CUTOVER));
    let moved = false;
    for (const s of ts.sources.values()) if ((await s.tm.primaryPosition()) !== s.position) moved = true;
    if (!moved || attempt >= CATCHUP_ATTEMPTS) break;
    for (const t of ts.targets.values()) await t.tm.vreplicationExec(updateStateSql(ts.targetDbName, ts.workflow, 'Running', ''));
  }
  for (const t of ts.targets.values()) t.position = await t.tm.primaryPosition();
}

/** The BinlogSource of the reverse stream from `target` back into `source`: the whole key range (Reshard) or each table. */
function reverseSource(ts: TrafficSwitcher, source: WorkflowSource, target: WorkflowTarget, vschema: KeyspaceVSchema | null): BinlogSource {
  let rules;
  if (ts.migrationType === MigrationType.SHARDS) {
    rules = [{ match: '/.*', filter: keyRangeString(source.si.shard.key_range) }];
  } else {
    rules = ts.tables.map((table) => {
      const cv = vschema?.sharded && !keyRangeIsComplete(source.si.shard.key_range) ? vschema.tables[table]?.column_vindexes[0] : undefined;
      const where = cv ? ` where in_keyrange(${cv.column || cv.columns[0]}, '${ts.sourceKeyspace}.${cv.name}', '${keyRangeString(source.si.shard.key_range)}')` : '';
      return { match: table, filter: `select * from ${table}${where}` };
    });
  }
  return { keyspace: ts.targetKeyspace, shard: target.shard, tablet_type: 0, key_range: null, tables: [], filter: { rules }, on_ddl: 0, stop_after_copy: false };
}

/**
 * On every source primary: replaces the `<wf>_reverse` streams with one Stopped stream per
 * overlapping target shard, starting at that target's recorded position (no copy phase).
 */
async function createReverseVReplication(ctx: VtctldContext, ts: TrafficSwitcher): Promise<void> {
  let vschema: KeyspaceVSchema | null = null;
  try {
    vschema = await ctx.topo.getVSchema(ts.sourceKeyspace);
  } catch (err) {
    if (!isTopoError(err, 'NoNode')) throw err;
  }
  const now = Math.floor(ctx.clock.now() / 1000);
  for (const source of ts.sources.values()) {
    await source.tm.vreplicationExec(deleteWorkflowSql(ts.sourceDbName, ts.reverseWorkflow));
    for (const target of ts.targets.values()) {
      if (!keyRangeIntersect(source.si.shard.key_range, target.si.shard.key_range)) continue;
      await source.tm.vreplicationExec(
        insertStreamSql({
          workflow: ts.reverseWorkflow,
          source: reverseSource(ts, source, target, vschema),
          pos: target.position,
          state: 'Stopped',
          dbName: ts.sourceDbName,
          workflowType: ts.workflowType,
          now,
        }),
      );
    }
  }
}

/**
 * The point of no return: inserts the journal into every source primary's
 * `<sidecar>.resharding_journal` (skipping those `recorded` already has; their text is reused so
 * every journal stays identical). The shard GTIDs list the targets in reverse name order (`80-`
 * before `-80`, as in the seed document), the participants every source shard by key range.
 */
async function createJournals(ts: TrafficSwitcher, recorded: ReadonlyMap<string, string>): Promise<void> {
  const previous = recorded.values().next().value;
  const sources = [...ts.sources.values()].sort((a, b) => compareKeyRangeStarts(a.si.shard.key_range, b.si.shard.key_range));
  for (const source of sources) {
    if (recorded.has(source.shard)) continue;
    let text = previous;
    if (text === undefined) {
      const journal: Journal = {
        id: ts.journalId,
        migration_type: ts.migrationType,
        tables: [...ts.tables],
        local_position: source.position,
        shard_gtids: ts.targetShards().reverse().map((shard) => ({ keyspace: ts.targetKeyspace, shard, gtid: ts.targets.get(shard)!.position, table_p_ks: [] })),
        participants: sources.map((s) => ({ keyspace: ts.sourceKeyspace, shard: s.shard })),
        source_workflows: [],
      };
      text = formatJournal(journal);
    }
    await source.tm.executeFetchAsDba(
      `insert into resharding_journal (id, db_name, val) values (${ts.journalId}, ${sqlString(ts.sourceDbName)}, ${sqlString(text)})`,
      ts.sourceSidecarDb,
    );
  }
}

/** Lets the targets take writes: their denied tables (MoveTables) or disabled query service (Reshard) go. */
async function allowTargetWrites(ctx: VtctldContext, ts: TrafficSwitcher): Promise<void> {
  if (ts.migrationType === MigrationType.TABLES) {
    await updateDeniedTables(ctx.topo, ts.targetKeyspace, ts.targetShards(), ts.tables, true);
  } else {
    await updateDisableQueryService(ctx.topo, ts.targetKeyspace, [...ts.targets.values()].map(shardRef), false);
  }
  for (const t of ts.targets.values()) await t.tm.refreshState();
}

/**
 * Sends writes to the targets: MoveTables points the tables' primary routing rules at the target
 * keyspace; Reshard makes the targets primary-serving instead of the sources and moves the
 * PRIMARY partition of every cell's SrvKeyspace.
 */
async function changeRouting(ctx: VtctldContext, ts: TrafficSwitcher): Promise<void> {
  if (ts.migrationType === MigrationType.TABLES) {
    const rules = switchWriteRules(ruleMap(await ctx.topo.getRoutingRules()), ts.sourceKeyspace, ts.targetKeyspace, ts.tables);
    await ctx.topo.saveRoutingRules(toRoutingRules(rules));
    await ctx.topo.rebuildSrvVSchema();
    return;
  }
  for (const s of ts.sources.values()) await ctx.topo.updateShardFields(ts.sourceKeyspace, s.shard, (sh) => void (sh.is_primary_serving = false));
  for (const t of ts.targets.values()) await ctx.topo.updateShardFields(ts.targetKeyspace, t.shard, (sh) => void (sh.is_primary_serving = true));
  await ctx.topo.migrateServedType(ts.targetKeyspace, ts.targetShards(), ts.sourceShards(), TabletType.PRIMARY);
}

/**
 * Undoes a cutover that failed before its journals (Vitess's cancelMigration): source writes
 * allowed again, forward streams restarted, reverse streams deleted. Best effort: a failing step
 * does not stop the others.
 */
async function cancelMigration(ctx: VtctldContext, ts: TrafficSwitcher): Promise<void> {
  const attempt = async (step: () => Promise<unknown>) => {
    try {
      await step();
    } catch {
      // The original error is what the caller reports; the remaining steps still run.
    }
  };
  if (ts.migrationType === MigrationType.TABLES) {
    await attempt(() => updateDeniedTables(ctx.topo, ts.sourceKeyspace, ts.sourceShards(), ts.tables, true));
    await attempt(() => ctx.topo.rebuildSrvVSchema());
  } else {
    await attempt(() => updateDisableQueryService(ctx.topo, ts.sourceKeyspace, [...ts.sources.values()].map(shardRef), false));
  }
  for (const s of ts.sources.values()) await attempt(() => s.tm.refreshState());
  for (const t of ts.targets.values()) await attempt(() => t.tm.vreplicationExec(updateStateSql(ts.targetDbName, ts.workflow, 'Running', '')));
  for (const s of ts.sources.values()) await attempt(() => s.tm.vreplicationExec(deleteWorkflowSql(ts.sourceDbName, ts.reverseWorkflow)));
}
