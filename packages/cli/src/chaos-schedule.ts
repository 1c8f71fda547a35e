/**
 * Chaos: random faults from the vocabulary at a fixed interval (`vtsim up --chaos-seed S
 * --chaos-every MS`), reproducibly. The schedule is a pure function of the seed, the interval and
 * the cluster's shape (its shards and tablet uids): the i-th fault is drawn from a SeededRandom
 * seeded with the seed and i, so the same seed gives the same schedule. Only faults that heal
 * themselves are drawn (a stall or partition with a duration shorter than the interval, a VStream
 * drop, a vtgate restart), so the cluster is whole again between two faults.
 */
import { SeededRandom } from '@vtsim/binlog';
import type { FaultArgs } from './fault-verbs.js';

/** The targets chaos draws from. */
export interface ChaosTargets {
  /** `keyspace/shard` of every shard, sorted. */
  shards: string[];
  /** Every running tablet's uid, sorted. */
  uids: number[];
}

/** One scheduled fault: a verb of the vocabulary and its flags, applied `atMs` after chaos starts. */
export interface ChaosEvent {
  atMs: number;
  verb: string;
  args: FaultArgs;
}

/** The shortest fault duration chaos draws, in ms. */
const MIN_FAULT_MS = 100;

/**
 * The `index`-th fault (0-based) of the schedule for `seed` at one fault every `everyMs` ms: at
 * `(index + 1) * everyMs`, a verb drawn among those the targets allow (stall-shard needs a shard,
 * partition-tablet a tablet) with a duration below `everyMs`. Pure. Throws RangeError for an
 * interval that is not a positive integer.
 */
export function chaosEvent(seed: string, everyMs: number, index: number, targets: ChaosTargets): ChaosEvent {
  if (!Number.isSafeInteger(everyMs) || everyMs <= 0) throw new RangeError(`the chaos interval must be a positive integer of ms, not ${everyMs}`);
  const random = new SeededRandom(`${seed}/chaos/${index}`);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random.next() * items.length)]!;
  const duration = (): number => {
    const max = Math.max(MIN_FAULT_MS, Math.floor(everyMs / 2));
    return MIN_FAULT_MS + Math.floor(random.next() * (max - MIN_FAULT_MS + 1));
  };
  const verbs = ['drop-vstreams', 'restart-vtgate'];
  if (targets.shards.length > 0) verbs.push('stall-shard');
  if (targets.uids.length > 0) verbs.push('partition-tablet');
  const verb = pick(verbs);
  const atMs = (index + 1) * everyMs;
  switch (verb) {
    case 'stall-shard': {
      const [keyspace, shard] = pick(targets.shards).split('/') as [string, string];
      return { atMs, verb, args: { keyspace, shard, ms: duration() } };
    }
    case 'partition-tablet':
      return { atMs, verb, args: { uid: pick(targets.uids), ms: duration() } };
    case 'drop-vstreams':
      return { atMs, verb, args: { code: 'UNAVAILABLE' } };
    default:
      return { atMs, verb, args: {} };
  }
}

/** Every fault of the schedule within the first `durationMs` ms, for fixed targets. Pure. */
export function chaosSchedule(seed: string, everyMs: number, durationMs: number, targets: ChaosTargets): ChaosEvent[] {
  const events: ChaosEvent[] = [];
  for (let i = 0; (i + 1) * everyMs <= durationMs; i++) events.push(chaosEvent(seed, everyMs, i, targets));
  return events;
}
