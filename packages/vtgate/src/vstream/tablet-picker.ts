/**
 * TabletPicker: chooses the tablet a VStream shard stream reads from (Vitess's
 * discovery.TabletPicker `PickForStreaming`). PRIMARY streams use the shard record's primary
 * (cells are ignored); other types use the tablets of the shard in the requested cells whose
 * topology type matches. Every candidate is then asked for its health, and only a tablet that
 * reports the requested type, no health error and (unless non-serving tablets are allowed) serving
 * qualifies.
 */
import { Code, TabletType, VtError, tabletAliasString, type TabletAlias } from '@vtsim/proto';
import type { Random } from '@vtsim/binlog';
import type { TopoServer } from '@vtsim/topo';
import type { QueryService, TabletDialer } from '@vtsim/vttablet';
import { canceledError } from './vstream-error.js';
import { deadline, sleep } from './sleep.js';

/** A tablet chosen for streaming. */
export interface PickedTablet {
  alias: TabletAlias;
  /** `zone1-0000000100`. */
  aliasString: string;
  queryService: QueryService;
}

/** What to pick. */
export interface PickRequest {
  keyspace: string;
  shard: string;
  tabletType: TabletType;
  /** Cells to pick from (VStreamFlags.cells, already split); empty means vtgate's cell. */
  cells: readonly string[];
  /** VStreamFlags.cell_preference: `PreferLocalWithAlias` (default) or `OnlySpecified`, any case. */
  cellPreference: string;
  /** VStreamFlags.tablet_order: `Any` (default, random) or `InOrder` (topology order), any case. */
  tabletOrder: string;
  /** Accept tablets that are not serving (streams of a resharded keyspace's old shards). */
  includeNonServing: boolean;
  /** Aliases (`zone1-0000000100`) never to pick (tablets that lacked the stream's position). */
  ignore: ReadonlySet<string>;
}

/**
 * Thrown by {@link TabletPicker.pick} when the shard has candidate tablets but every one is in the
 * request's ignore list (each lacked the stream's position): waiting would not help, so the caller
 * ends the stream with the error that got them ignored.
 */
export class AllTabletsIgnoredError extends VtError {
  constructor(keyspace: string, shard: string) {
    super(Code.FAILED_PRECONDITION, `every tablet of ${keyspace}/${shard} lacks the requested position`);
    this.name = 'AllTabletsIgnoredError';
  }
}

/** Timing of the picker; Vitess retries every 30 s and gives up after 90 s. */
export interface TabletPickerTiming {
  /** Wait between two attempts that found no tablet; default 1000 ms. */
  retryMs?: number;
  /** Total time before giving up; default 90 000 ms. */
  timeoutMs?: number;
}

/** Picks tablets for streaming. */
export class TabletPicker {
  private readonly retryMs: number;
  private readonly timeoutMs: number;

  constructor(
    private readonly topo: TopoServer,
    private readonly localCell: string,
    private readonly dialer: TabletDialer,
    private readonly random: Random,
    timing: TabletPickerTiming = {},
  ) {
    this.retryMs = timing.retryMs ?? 1000;
    this.timeoutMs = timing.timeoutMs ?? 90_000;
  }

  /**
   * Picks a qualifying tablet, retrying until one appears. Rejects with
   * {@link AllTabletsIgnoredError} (unwrapped) when every candidate is ignored, INVALID_ARGUMENT for an
   * unknown cell preference or tablet order, with CANCELED `context has expired` once the timeout
   * passes, and with CANCELED `context canceled` if the signal aborts. Errors are wrapped
   * `failed to find a <TYPE> tablet for VStream in <ks>/<shard> within the <cells> cell(s): …`.
   */
  async pick(req: PickRequest, signal: AbortSignal): Promise<PickedTablet> {
    const cells = req.cells.length ? [...req.cells] : [this.localCell];
    const context = `failed to find a ${TabletType[req.tabletType] ?? req.tabletType} tablet for VStream in ${req.keyspace}/${req.shard} within the ${cells.join(',')} cell(s)`;
    const preference = req.cellPreference.toLowerCase();
    const order = req.tabletOrder.toLowerCase();
    if (preference !== '' && preference !== 'preferlocalwithalias' && preference !== 'onlyspecified') {
      throw new VtError(Code.INVALID_ARGUMENT, `${context}: invalid cell preference: ${req.cellPreference}`);
    }
    if (order !== '' && order !== 'any' && order !== 'inorder') {
      throw new VtError(Code.INVALID_ARGUMENT, `${context}: invalid tablet order type: ${req.tabletOrder}`);
    }
    const preferLocal = preference !== 'onlyspecified';
    if (preferLocal && !cells.includes(this.localCell)) cells.push(this.localCell);
    const limit = deadline(signal, this.timeoutMs);
    try {
      for (;;) {
        if (signal.aborted) throw canceledError();
        if (limit.expired) throw new VtError(Code.CANCELED, `${context}: context has expired`);
        const all = await this.candidates(req, cells);
        const usable = all.filter((a) => !req.ignore.has(tabletAliasString(a)));
        if (all.length > 0 && usable.length === 0) throw new AllTabletsIgnoredError(req.keyspace, req.shard);
        for (const alias of this.arrange(usable, preferLocal, order === 'inorder')) {
          const picked = await this.probe(alias, req, limit.signal);
          if (picked) return picked;
        }
        await sleep(this.retryMs, limit.signal);
      }
    } finally {
      limit.dispose();
    }
  }

  /** Tablets of the shard whose topology record has the requested type (the primary alone for PRIMARY), ignored ones included. */
  private async candidates(req: PickRequest, cells: readonly string[]): Promise<TabletAlias[]> {
    if (req.tabletType === TabletType.PRIMARY) {
      try {
        const primary = (await this.topo.getShard(req.keyspace, req.shard)).shard.primary_alias;
        return primary ? [primary] : [];
      } catch {
        return [];
      }
    }
    const out: TabletAlias[] = [];
    for (const cell of cells) {
      let infos;
      try {
        infos = await this.topo.getTabletsByCell(cell);
      } catch {
        continue;
      }
      for (const { tablet } of infos) {
        if (tablet.keyspace !== req.keyspace || tablet.shard !== req.shard || tablet.type !== req.tabletType) continue;
        out.push(tablet.alias);
      }
    }
    return out;
  }

  /** Local-cell tablets first when preferred, each group shuffled unless in order. */
  private arrange(aliases: TabletAlias[], preferLocal: boolean, inOrder: boolean): TabletAlias[] {
    const groups = preferLocal
      ? [aliases.filter((a) => a.cell === this.localCell), aliases.filter((a) => a.cell !== this.localCell)]
      : [aliases];
    if (!inOrder) for (const g of groups) this.shuffle(g);
    return groups.flat();
  }

  private shuffle(list: TabletAlias[]): void {
    for (let i = list.length - 1; i > 0; i--) {
      const j = Math.floor(this.random.next() * (i + 1));
      [list[i], list[j]] = [list[j]!, list[i]!];
    }
  }

  /** Dials a candidate and reads its current health report; the tablet if it qualifies. */
  private async probe(alias: TabletAlias, req: PickRequest, signal: AbortSignal): Promise<PickedTablet | undefined> {
    const qs = this.dialer(alias);
    if (!qs) return undefined;
    const abort = new AbortController();
    const onAbort = (): void => abort.abort();
    signal.addEventListener('abort', onAbort, { once: true });
    try {
      for await (const h of qs.streamHealth(abort.signal)) {
        const ok =
          h.target.keyspace === req.keyspace &&
          h.target.shard === req.shard &&
          h.target.tablet_type === req.tabletType &&
          !h.realtime_stats?.health_error &&
          (h.serving || req.includeNonServing);
        return ok ? { alias, aliasString: tabletAliasString(alias), queryService: qs } : undefined;
      }
      return undefined;
    } catch {
      return undefined;
    } finally {
      signal.removeEventListener('abort', onAbort);
      abort.abort();
    }
  }
}
