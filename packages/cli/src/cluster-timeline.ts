/**
 * ClusterTimeline: what happened in the cluster, one line each, for the live view (tablet up,
 * workflow created, copy done, reads switched, writes switched with the journal, a VStream client
 * moving to new shards). It is fed by the log lines the components already write: the cluster's
 * logger goes through {@link ClusterTimeline.logger}, which passes every line on unchanged and
 * records those that name such a step.
 */
import type { Clock, LogFields, Logger } from '@vtsim/binlog';
import type { TimelineEntry, TimelineSource } from '@vtsim/web';

/** How many entries are kept (the oldest go first). */
const DEFAULT_LIMIT = 1000;

/** The cluster's event timeline. */
export class ClusterTimeline implements TimelineSource {
  private readonly kept: TimelineEntry[] = [];
  private readonly listeners = new Set<(entry: TimelineEntry) => void>();
  private seq = 0;

  constructor(private readonly clock: Clock, private readonly limit = DEFAULT_LIMIT) {}

  /** The entries kept, oldest first (at most the limit given at construction, default 1000). */
  entries(): readonly TimelineEntry[] {
    return this.kept;
  }

  /** Calls `listener` with each new entry until the returned function is called. */
  subscribe(listener: (entry: TimelineEntry) => void): () => void {
    this.listeners.add(listener);
    return () => void this.listeners.delete(listener);
  }

  /** Adds an entry now and tells the listeners. */
  record(kind: string, text: string): void {
    const entry: TimelineEntry = { seq: ++this.seq, atMs: this.clock.now(), kind, text };
    this.kept.push(entry);
    if (this.kept.length > this.limit) this.kept.shift();
    for (const listener of this.listeners) listener(entry);
  }

  /** A logger writing everything to `inner` that also records the timeline's steps from the info lines. */
  logger(inner: Logger): Logger {
    return new TimelineLogger(inner, {}, this);
  }

  /** Records the step an info line names, if it names one (see timelineLine). */
  observe(msg: string, fields: LogFields): void {
    const line = timelineLine(msg, fields);
    if (line) this.record(line.kind, line.text);
  }
}

/** The info messages that name a step, and the line each becomes (undefined: not a step after all). */
const STEPS: Record<string, (f: Record<string, unknown>) => { kind: string; text: string } | undefined> = {
  'tablet state changed': (f) => ({ kind: 'tablet', text: `tablet ${f.tablet} (${f.keyspace}/${f.shard}): ${f.transition}` }),
  'Reshard create done': (f) => ({ kind: 'workflow', text: `workflow ${f.keyspace}.${f.workflow} created: Reshard ${list(f.source_shards)} → ${list(f.target_shards)}` }),
  'MoveTables create done': (f) => ({ kind: 'workflow', text: `workflow ${f.target_keyspace}.${f.workflow} created: MoveTables ${f.source_keyspace} → ${f.target_keyspace}` }),
  'vreplication copy phase done': (f) => ({ kind: 'copy', text: `copy done: ${f.keyspace}/${f.shard} stream ${f.stream_id} of ${f.workflow} copied ${f.rows_copied} rows from ${f.source_shard}` }),
  'SwitchTraffic done': (f) => switchLine('SwitchTraffic', f),
  'ReverseTraffic done': (f) => switchLine('ReverseTraffic', f),
  'SwitchTraffic: journals created': (f) => ({ kind: 'journal', text: `journal ${f.journal_id} written on ${list(f.source_shards)} for ${f.keyspace}.${f.workflow}: the source shards stop here` }),
  'vreplication streams followed the journal': (f) => ({ kind: 'journal', text: `tablet ${f.tablet} (${f.keyspace}/${f.shard}): streams of ${f.workflow} followed journal ${f.journal_id}` }),
  'vstream moved to new shards at the journal': (f) => ({ kind: 'vstream', text: `VStream client #${f.vstream} moved ${list(f.from)} → ${list(f.to)} at journal ${f.journal_id}` }),
  'Complete done': (f) => (f.dry_run ? undefined : { kind: 'workflow', text: `workflow ${f.keyspace}.${f.workflow} completed` }),
  'Cancel done': (f) => ({ kind: 'workflow', text: `workflow ${f.keyspace}.${f.workflow} canceled` }),
  'PlannedReparentShard done': (f) => ({ kind: 'reparent', text: `PlannedReparentShard ${f.keyspace}/${f.shard}: ${f.promoted_primary} is primary` }),
  'EmergencyReparentShard done': (f) => ({ kind: 'reparent', text: `EmergencyReparentShard ${f.keyspace}/${f.shard}: ${f.promoted_primary} is primary` }),
  'vtgate up': () => ({ kind: 'component', text: 'vtgate up' }),
  'vtgate down': () => ({ kind: 'component', text: 'vtgate down' }),
  'vtorc up': () => ({ kind: 'component', text: 'vtorc up' }),
  'vtorc down': () => ({ kind: 'component', text: 'vtorc down' }),
};

/** The timeline line of an info line, or undefined when it names no step. */
function timelineLine(msg: string, fields: LogFields): { kind: string; text: string } | undefined {
  return Object.hasOwn(STEPS, msg) ? STEPS[msg]!(fields as Record<string, unknown>) : undefined;
}

/** SwitchTraffic's line: reads or writes (PRIMARY among the types, or all types) switched, and the state after. */
function switchLine(step: string, f: Record<string, unknown>): { kind: string; text: string } | undefined {
  if (f.dry_run) return undefined;
  const types = Array.isArray(f.tablet_types) ? (f.tablet_types as string[]) : [];
  const what = types.length === 0 ? 'reads and writes' : types.includes('PRIMARY') ? 'writes' : 'reads';
  const verb = step === 'ReverseTraffic' ? 'switched back' : 'switched';
  return { kind: 'traffic', text: `${what} ${verb} for ${f.keyspace}.${f.workflow}${types.length > 0 ? ` (${types.join(', ')})` : ''}: ${f.current_state}` };
}

function list(value: unknown): string {
  return Array.isArray(value) ? value.join(', ') : String(value);
}

/** A logger passing every line to `inner` and the step lines (with their fields) to the timeline. */
class TimelineLogger implements Logger {
  constructor(private readonly inner: Logger, private readonly fields: LogFields, private readonly timeline: ClusterTimeline) {}

  debug(msg: string, fields?: LogFields): void {
    this.inner.debug(msg, fields);
  }

  info(msg: string, fields?: LogFields): void {
    this.inner.info(msg, fields);
    if (Object.hasOwn(STEPS, msg)) this.timeline.observe(msg, { ...this.fields, ...fields });
  }

  warn(msg: string, fields?: LogFields): void {
    this.inner.warn(msg, fields);
  }

  error(msg: string, fields?: LogFields): void {
    this.inner.error(msg, fields);
  }

  child(fields: LogFields): Logger {
    return new TimelineLogger(this.inner.child(fields), { ...this.fields, ...fields }, this.timeline);
  }
}
