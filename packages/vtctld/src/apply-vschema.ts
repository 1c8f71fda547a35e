/** ApplyVSchema: validates a keyspace's VSchema, saves it and rebuilds every cell's SrvVSchema; also from ALTER VSCHEMA statements. */
import type { KeyspaceVSchema } from '@vtsim/proto';
import { parseKeyspaceVSchema } from '@vtsim/proto';
import { applyAlterVschema, parseAlterVschema, type AlterVschema } from '@vtsim/sql';
import { isTopoError, type TopoServer } from '@vtsim/topo';
import { createVindex } from '@vtsim/vindexes';

/**
 * Parses `vschema` (Vitess's JSON, as text or an object), stores it for `keyspace` and rebuilds the
 * serving VSchema so vtgates pick it up. Throws on a malformed VSchema, an unknown vindex type
 * or an unknown keyspace; nothing is saved then.
 */
export async function applyVSchema(topo: TopoServer, keyspace: string, vschema: string | unknown): Promise<KeyspaceVSchema> {
  await topo.getKeyspace(keyspace);
  const parsed = parseKeyspaceVSchema(typeof vschema === 'string' ? JSON.parse(vschema) : vschema);
  for (const [name, def] of Object.entries(parsed.vindexes)) createVindex(def.type, name, def.params);
  await topo.saveVSchema(keyspace, parsed);
  await topo.rebuildSrvVSchema();
  return parsed;
}

/**
 * Applies one ALTER VSCHEMA statement (SQL text or parsed) to `keyspace`'s VSchema, as Vitess's
 * topotools.ApplyVSchemaDDL and vtctld's ApplyVSchema with `sql` do: the statement's own keyspace
 * qualifier is not consulted (callers that honour it, like vtgate, pass that keyspace). The result
 * is validated, saved and the SrvVSchema rebuilt, unless `dryRun`, all under the keyspace's lock.
 * Returns the new VSchema.
 * Throws SqlError 1064 for a statement that does not parse, Vitess's SqlError (1105, with the vtrpc
 * code) when the change does not apply, and topo's NoNode for an unknown keyspace.
 */
export async function applyVSchemaDdl(topo: TopoServer, keyspace: string, ddl: string | AlterVschema, opts: { dryRun?: boolean } = {}): Promise<KeyspaceVSchema> {
  const stmt = typeof ddl === 'string' ? parseAlterVschema(ddl) : ddl;
  // Under the keyspace lock, so concurrent changes (here or through vtgate) never lose one another.
  const unlock = await topo.lockKeyspace(keyspace, 'ApplyVSchemaDDL');
  try {
    const current = await topo.getVSchema(keyspace).catch((err: unknown) => {
      if (isTopoError(err, 'NoNode')) return null;
      throw err;
    });
    const next = applyAlterVschema(keyspace, current, stmt);
    if (opts.dryRun) return next;
    return await applyVSchema(topo, keyspace, next);
  } finally {
    await unlock();
  }
}
