/** ApplyVSchema: validates a keyspace's VSchema, saves it and rebuilds every cell's SrvVSchema. */
import type { KeyspaceVSchema } from '@vtsim/proto';
import { parseKeyspaceVSchema } from '@vtsim/proto';
import type { TopoServer } from '@vtsim/topo';

/**
 * Parses `vschema` (Vitess's JSON, as text or an object), stores it for `keyspace` and rebuilds the
 * serving VSchema so vtgates pick it up. Throws on a malformed VSchema or an unknown keyspace.
 */
export async function applyVSchema(topo: TopoServer, keyspace: string, vschema: string | unknown): Promise<KeyspaceVSchema> {
  await topo.getKeyspace(keyspace);
  const parsed = parseKeyspaceVSchema(typeof vschema === 'string' ? JSON.parse(vschema) : vschema);
  await topo.saveVSchema(keyspace, parsed);
  await topo.rebuildSrvVSchema();
  return parsed;
}
