/** ApplyVSchema: validates a keyspace's VSchema, saves it and rebuilds every cell's SrvVSchema. */
import type { KeyspaceVSchema } from '@vtsim/proto';
import { parseKeyspaceVSchema } from '@vtsim/proto';
import type { TopoServer } from '@vtsim/topo';
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
