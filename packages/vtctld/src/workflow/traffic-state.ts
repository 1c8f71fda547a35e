/**
 * A workflow's traffic state (Vitess's workflow.State): which cells serve replica and rdonly
 * reads from the target and whether writes go there, read from the routing rules (MoveTables)
 * or the serving graph (Reshard), and its one-line text (`Reads Not Switched. Writes Not
 * Switched`).
 */
import { MigrationType, TabletType } from '@vtsim/proto';
import { isTopoError } from '@vtsim/topo';
import type { VtctldContext } from '../vtctld-context.js';
import { routedKeyspace, ruleMap, type ReadType } from './routing-rules.js';
import type { TrafficSwitcher } from './traffic-switcher.js';

/** Where a workflow's traffic goes. */
export interface TrafficState {
  replicaCellsSwitched: string[];
  replicaCellsNotSwitched: string[];
  rdonlyCellsSwitched: string[];
  rdonlyCellsNotSwitched: string[];
  writesSwitched: boolean;
}

/** True when no read and no write has been switched. */
export function nothingSwitched(s: TrafficState): boolean {
  return !s.writesSwitched && s.replicaCellsSwitched.length === 0 && s.rdonlyCellsSwitched.length === 0;
}

/** True when every read and the writes have been switched. */
export function everythingSwitched(s: TrafficState): boolean {
  return s.writesSwitched && s.replicaCellsNotSwitched.length === 0 && s.rdonlyCellsNotSwitched.length === 0;
}

/** Vitess's text of a state, e.g. `All Reads Switched. Writes Not Switched`. */
export function trafficStateString(s: TrafficState): string {
  const parts: string[] = [];
  if (s.rdonlyCellsNotSwitched.length === 0 && s.replicaCellsNotSwitched.length === 0 && s.replicaCellsSwitched.length > 0) {
    parts.push('All Reads Switched');
  } else if (s.rdonlyCellsSwitched.length === 0 && s.replicaCellsSwitched.length === 0) {
    parts.push('Reads Not Switched');
  } else {
    parts.push('Reads partially switched');
    parts.push(partial('Replica', s.replicaCellsSwitched, s.replicaCellsNotSwitched));
    parts.push(partial('Rdonly', s.rdonlyCellsSwitched, s.rdonlyCellsNotSwitched));
  }
  parts.push(s.writesSwitched ? 'Writes Switched' : 'Writes Not Switched');
  return parts.join('. ');
}

function partial(label: string, switched: string[], notSwitched: string[]): string {
  if (notSwitched.length === 0) return `All ${label} Reads Switched`;
  if (switched.length === 0) return `${label} not switched`;
  return `${label} switched in cells: ${switched.join(',')}`;
}

/** Reads the state of a workflow from the routing rules (TABLES) or the serving graph (SHARDS). */
export async function trafficState(ctx: VtctldContext, ts: TrafficSwitcher): Promise<TrafficState> {
  const cells = await ctx.topo.getCellInfoNames();
  const state: TrafficState = { replicaCellsSwitched: [], replicaCellsNotSwitched: [], rdonlyCellsSwitched: [], rdonlyCellsNotSwitched: [], writesSwitched: false };
  const record = (type: ReadType, cell: string, switched: boolean) => {
    const list = type === 'replica' ? (switched ? state.replicaCellsSwitched : state.replicaCellsNotSwitched) : switched ? state.rdonlyCellsSwitched : state.rdonlyCellsNotSwitched;
    list.push(cell);
  };
  if (ts.migrationType === MigrationType.TABLES) {
    const rules = ruleMap(await ctx.topo.getRoutingRules());
    const table = ts.tables[0] ?? '';
    for (const cell of cells) {
      for (const type of ['replica', 'rdonly'] as const) record(type, cell, routedKeyspace(rules, `${table}@${type}`) === ts.targetKeyspace);
    }
    state.writesSwitched = routedKeyspace(rules, table) === ts.targetKeyspace;
    return state;
  }
  const firstTarget = ts.targetShards()[0]!;
  for (const cell of cells) {
    let srv;
    try {
      srv = await ctx.topo.getSrvKeyspace(cell, ts.targetKeyspace);
    } catch (err) {
      if (isTopoError(err, 'NoNode')) continue;
      throw err;
    }
    for (const [type, tabletType] of [['replica', TabletType.REPLICA], ['rdonly', TabletType.RDONLY]] as const) {
      const partition = srv.partitions.find((p) => p.served_type === tabletType);
      record(type, cell, !!partition?.shard_references.some((r) => r.name === firstTarget));
    }
  }
  const firstSource = ts.sourceShards()[0]!;
  state.writesSwitched = !(await ctx.topo.getShard(ts.sourceKeyspace, firstSource)).shard.is_primary_serving;
  return state;
}
