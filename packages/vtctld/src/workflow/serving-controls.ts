/**
 * The serving controls a cutover flips: a shard's denied tables for a tablet type (MoveTables'
 * way of stopping writes to moved tables, in the Shard record) and a shard's disabled query
 * service for a served type (Reshard's way of stopping writes to a whole shard, in every cell's
 * SrvKeyspace), as Vitess's UpdateDeniedTables and UpdateDisableQueryService.
 */
import { TabletType, type KeyRange } from '@vtsim/proto';
import { isTopoError, type TopoServer } from '@vtsim/topo';

/**
 * Adds `tables` to (or, with `remove`, takes them from) the denied tables of `tabletType` on each
 * shard; a control left with no table is dropped. NoNode if a shard does not exist.
 */
export async function updateDeniedTables(
  topo: TopoServer,
  keyspace: string,
  shards: readonly string[],
  tables: readonly string[],
  remove: boolean,
  tabletType: TabletType = TabletType.PRIMARY,
): Promise<void> {
  for (const shard of shards) {
    await topo.updateShardFields(keyspace, shard, (s) => {
      const controls = s.tablet_controls ?? [];
      let tc = controls.find((c) => c.tablet_type === tabletType);
      if (!tc) {
        if (remove) return false;
        tc = { tablet_type: tabletType, cells: [], denied_tables: [], frozen: false };
        controls.push(tc);
      }
      const set = new Set(tc.denied_tables);
      for (const t of tables) {
        if (remove) set.delete(t);
        else set.add(t);
      }
      tc.denied_tables = [...set].sort();
      s.tablet_controls = controls.filter((c) => c.denied_tables.length > 0 || c.frozen);
    });
  }
}

/**
 * Sets or clears `query_service_disabled` for `servedType` on each shard in every cell's
 * SrvKeyspace (cells without one are skipped); clearing removes the shard's control entry.
 */
export async function updateDisableQueryService(
  topo: TopoServer,
  keyspace: string,
  shards: ReadonlyArray<{ name: string; keyRange: KeyRange | null }>,
  disabled: boolean,
  servedType: TabletType = TabletType.PRIMARY,
): Promise<void> {
  for (const cell of await topo.getCellInfoNames()) {
    let srv;
    try {
      srv = await topo.getSrvKeyspace(cell, keyspace);
    } catch (err) {
      if (isTopoError(err, 'NoNode')) continue;
      throw err;
    }
    let partition = srv.partitions.find((p) => p.served_type === servedType);
    if (!partition) {
      partition = { served_type: servedType, shard_references: [], shard_tablet_controls: [] };
      srv.partitions.push(partition);
    }
    const names = new Set(shards.map((s) => s.name));
    const kept = (partition.shard_tablet_controls ?? []).filter((c) => !names.has(c.name));
    if (disabled) for (const s of shards) kept.push({ name: s.name, key_range: s.keyRange, query_service_disabled: true });
    partition.shard_tablet_controls = kept;
    await topo.updateSrvKeyspace(cell, keyspace, srv);
  }
}
