/**
 * The chaos runner of `vtsim up --chaos-seed S --chaos-every MS`: applies the chaos schedule
 * (chaos-schedule.ts) to a running cluster, one fault every interval, through the same vocabulary
 * as `vtsim fault`; the cluster logs each one. A fault the cluster refuses at that moment (vtgate
 * not running, say) is logged and skipped.
 */
import { chaosEvent, type ChaosTargets } from './chaos-schedule.js';
import type { Cluster } from './cluster.js';
import { applyFault } from './fault-verbs.js';

/** A running chaos schedule; stop() ends it (faults in force heal on their own). */
export interface ChaosRun {
  stop(): void;
}

/** What chaos may pick in the cluster now: the shards of its running tablets and their uids. */
function chaosTargets(cluster: Cluster): ChaosTargets {
  const tablets = [...cluster.tabletMap().values()].filter((t) => t.alias.cell === cluster.cell);
  const shards = [...new Set(tablets.map((t) => `${t.keyspace}/${t.shard}`))].sort();
  const uids = tablets.map((t) => t.alias.uid).sort((a, b) => a - b);
  return { shards, uids };
}

/**
 * Starts applying the schedule of `seed` at one fault every `everyMs` ms, each drawn against the
 * cluster's targets at that moment; `log` receives the start and skipped faults. Throws RangeError
 * for an interval that is not a positive integer.
 */
export function startChaos(cluster: Cluster, seed: string, everyMs: number, log: (line: string) => void): ChaosRun {
  let index = 0;
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;
  const started = Date.now();
  const tick = async (): Promise<void> => {
    const event = chaosEvent(seed, everyMs, index++, chaosTargets(cluster));
    try {
      await applyFault(cluster.faults, event.verb, event.args);
    } catch (err) {
      log(`chaos: skipped ${event.verb} (${err instanceof Error ? err.message : String(err)})`);
    }
    schedule();
  };
  const schedule = (): void => {
    if (stopped) return;
    timer = setTimeout(() => void tick(), Math.max(0, started + (index + 1) * everyMs - Date.now()));
  };
  if (!Number.isSafeInteger(everyMs) || everyMs <= 0) throw new RangeError(`--chaos-every must be a positive integer of ms, not ${everyMs}`);
  schedule();
  log(`chaos: seed ${JSON.stringify(seed)}, one fault every ${everyMs} ms`);
  return {
    stop() {
      stopped = true;
      clearTimeout(timer);
    },
  };
}
