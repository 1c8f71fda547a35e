/**
 * @vtsim/etcd2topo: the topology on etcd v3 (Vitess's etcd2topo), an {@link Etcd2Conn} for
 * the TopoServer. Its own package because the etcd client speaks gRPC, which @vtsim/topo
 * must not import.
 */
export { DEFAULT_LEASE_TTL_SECONDS, Etcd2Conn, type Etcd2ConnOptions } from './etcd2-conn.js';
