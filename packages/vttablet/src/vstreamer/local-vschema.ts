/**
 * LocalVSchema: the VSchema as a tablet's vstreamer sees it: tables are looked up in the tablet's
 * own keyspace, vindexes in any keyspace of the cell's SrvVSchema (Vitess's localVSchema).
 */
import { Code, VtError, type SrvVSchema } from '@vtsim/proto';
import type { TopoServer } from '@vtsim/topo';
import { createVindex, type Vindex } from '@vtsim/vindexes';

/** A table's vindex for key-range filtering: the vindex and the columns it reads. */
export interface ColumnVindex {
  vindex: Vindex;
  columns: string[];
}

/** A keyspace's view of one SrvVSchema; vindex instances are created once and shared. */
export class LocalVSchema {
  private readonly vindexes = new Map<string, Vindex>();

  /** `srv` null means the cell has no SrvVSchema (yet): every lookup fails. */
  constructor(
    readonly keyspace: string,
    private readonly srv: SrvVSchema | null,
  ) {}

  /**
   * The vindex to compute a table's keyspace ids with: the cheapest unique one of its column
   * vindexes (Vitess's FindBestColVindex). Throws VtError: INVALID_ARGUMENT `keyspace <ks> not
   * found in vschema`, `table <t> not found`, `table <t> has no vindex`; NOT_FOUND `could not find
   * a vindex to compute keyspace id for table <t>`.
   */
  findColVindex(table: string): ColumnVindex {
    const ks = this.srv?.keyspaces[this.keyspace];
    if (!ks) throw new VtError(Code.INVALID_ARGUMENT, `keyspace ${this.keyspace} not found in vschema`);
    const t = Object.hasOwn(ks.tables, table) ? ks.tables[table] : undefined;
    if (!t) throw new VtError(Code.INVALID_ARGUMENT, `table ${table} not found`);
    if (t.column_vindexes.length === 0) throw new VtError(Code.INVALID_ARGUMENT, `table ${table} has no vindex`);
    let best: ColumnVindex | undefined;
    for (const cv of t.column_vindexes) {
      const vindex = this.vindex(this.keyspace, cv.name);
      if (!vindex?.unique) continue;
      if (!best || best.vindex.cost > vindex.cost) best = { vindex, columns: cv.columns.length > 0 ? cv.columns : [cv.column] };
    }
    if (!best) throw new VtError(Code.NOT_FOUND, `could not find a vindex to compute keyspace id for table ${table}`);
    return best;
  }

  /**
   * The vindex named `name` (`vindex` or `keyspace.vindex`) in the SrvVSchema; an unqualified name
   * that no keyspace defines is taken as a vindex type (`hash`). Throws VtError INVALID_ARGUMENT
   * for an invalid or ambiguous name, an unknown qualified vindex, or an unknown vindex type.
   */
  findOrCreateVindex(qualifiedName: string): Vindex {
    const parts = qualifiedName.split('.');
    if (parts.length > 2) throw new VtError(Code.INVALID_ARGUMENT, `invalid vindex name: ${qualifiedName}`);
    if (parts.length === 2) {
      const found = this.vindex(parts[0]!, parts[1]!);
      if (!found) throw new VtError(Code.INVALID_ARGUMENT, `vindex ${qualifiedName} not found`);
      return found;
    }
    const owners = Object.entries(this.srv?.keyspaces ?? {}).filter(([, ks]) => Object.hasOwn(ks.vindexes, qualifiedName));
    if (owners.length > 1) throw new VtError(Code.INVALID_ARGUMENT, `ambiguous vindex reference: ${qualifiedName}`);
    if (owners.length === 1) return this.vindex(owners[0]![0], qualifiedName)!;
    const key = `/${qualifiedName}`;
    let created = this.vindexes.get(key);
    if (!created) {
      created = asVtError(() => createVindex(qualifiedName, qualifiedName));
      this.vindexes.set(key, created);
    }
    return created;
  }

  /** The vindex `name` defined in `keyspace`, undefined if there is none. */
  private vindex(keyspace: string, name: string): Vindex | undefined {
    const key = `${keyspace}.${name}`;
    const cached = this.vindexes.get(key);
    if (cached) return cached;
    const ks = this.srv?.keyspaces[keyspace];
    const def = ks && Object.hasOwn(ks.vindexes, name) ? ks.vindexes[name] : undefined;
    if (!def) return undefined;
    const vindex = asVtError(() => createVindex(def.type, name, def.params));
    this.vindexes.set(key, vindex);
    return vindex;
  }
}

function asVtError<T>(f: () => T): T {
  try {
    return f();
  } catch (err) {
    if (err instanceof VtError) throw err;
    throw new VtError(Code.INVALID_ARGUMENT, err instanceof Error ? err.message : String(err));
  }
}

/**
 * Watches the cell's SrvVSchema for one keyspace: resolves once the first value is known (a
 * missing SrvVSchema counts as known and empty), then keeps the returned getter current until
 * `signal` aborts. A topology failure keeps the last value.
 */
export async function watchLocalVSchema(topo: TopoServer, cell: string, keyspace: string, signal: AbortSignal): Promise<() => LocalVSchema> {
  let current = new LocalVSchema(keyspace, null);
  const iterator = topo.watchSrvVSchema(cell, signal)[Symbol.asyncIterator]();
  try {
    const first = await iterator.next();
    if (!first.done) current = new LocalVSchema(keyspace, first.value);
  } catch {
    return () => current;
  }
  void (async () => {
    try {
      for (;;) {
        const next = await iterator.next();
        if (next.done) return;
        current = new LocalVSchema(keyspace, next.value);
      }
    } catch {
      // Keep the last value: the stream goes on with the VSchema it had.
    }
  })();
  return () => current;
}
