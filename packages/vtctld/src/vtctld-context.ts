/** What vtctld's operations work with: the topology, the tablets' APIs, the clock and the logger. */
import type { Clock, Logger } from '@vtsim/binlog';
import type { TabletAlias } from '@vtsim/proto';
import { Code, tabletAliasString } from '@vtsim/proto';
import type { TopoServer } from '@vtsim/topo';
import type { TabletDialer, TabletManagerClient, TabletManagerDialer } from '@vtsim/vttablet';
import { vtctldError } from './vtctld-error.js';

/** The dependencies every vtctld operation shares. */
export interface VtctldContext {
  readonly topo: TopoServer;
  /** Reaches a tablet's QueryService (ApplySchema runs DDL through it). */
  readonly tabletDialer: TabletDialer;
  /** Reaches a tablet's tablet-manager API (reparents, status, DBA queries). */
  readonly tabletManagerDialer: TabletManagerDialer;
  readonly clock: Clock;
  /** Where operations log their steps (workflow steps, reparents, journals). */
  readonly logger: Logger;
}

/** The tablet-manager API of `alias`; UNAVAILABLE when the tablet is not running. */
export function dialTabletManager(ctx: VtctldContext, alias: TabletAlias): TabletManagerClient {
  const tm = ctx.tabletManagerDialer(alias);
  if (!tm) throw vtctldError(Code.UNAVAILABLE, `tablet ${tabletAliasString(alias)} is not reachable`);
  return tm;
}

/** True when both aliases name the same tablet (false if either is missing). */
export function sameAlias(a: TabletAlias | null | undefined, b: TabletAlias | null | undefined): boolean {
  return !!a && !!b && a.cell === b.cell && a.uid === b.uid;
}

/** Milliseconds of a vttime.Duration, or `fallback` when it is unset or zero. */
export function durationMs(d: { seconds: number | string; nanos: number } | null | undefined, fallback: number): number {
  if (!d) return fallback;
  const ms = Number(d.seconds) * 1000 + Math.floor(d.nanos / 1_000_000);
  return ms > 0 ? ms : fallback;
}
