/** Where each record lives, relative to the global or a cell's root (Vitess's layout). */

/** Global: `cells/<cell>/CellInfo`. */
export const cellInfoPath = (cell: string) => `cells/${cell}/CellInfo`;
/** Global: the directory of a keyspace (locked by lockKeyspace). */
export const keyspaceDir = (ks: string) => `keyspaces/${ks}`;
/** Global: `keyspaces/<ks>/Keyspace`. */
export const keyspacePath = (ks: string) => `keyspaces/${ks}/Keyspace`;
/** Global: the directory of a shard (locked by lockShard). */
export const shardDir = (ks: string, shard: string) => `keyspaces/${ks}/shards/${shard}`;
/** Global: `keyspaces/<ks>/shards/<shard>/Shard`. */
export const shardPath = (ks: string, shard: string) => `keyspaces/${ks}/shards/${shard}/Shard`;
/** Global: `keyspaces/<ks>/VSchema`. */
export const vschemaPath = (ks: string) => `keyspaces/${ks}/VSchema`;
/** Global: `RoutingRules`. */
export const routingRulesPath = 'RoutingRules';
/** Cell: `tablets/<alias>/Tablet`. */
export const tabletPath = (alias: string) => `tablets/${alias}/Tablet`;
/** Cell: `keyspaces/<ks>/SrvKeyspace`. */
export const srvKeyspacePath = (ks: string) => `keyspaces/${ks}/SrvKeyspace`;
/** Cell: `SrvVSchema`. */
export const srvVSchemaPath = 'SrvVSchema';
