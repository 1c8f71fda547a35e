/** The tablet's gRPC edge: its server, the client other processes reach it with, and the wire helpers vtgate shares. */
export { startTabletGrpcServer, type ServedTablet, type TabletGrpcServer, type TabletGrpcServerOptions } from './tablet-grpc-server.js';
export { DEFAULT_GRPC_KEEPALIVE, TabletGrpcClient, type GrpcKeepalive, type TabletGrpcClientOptions } from './tablet-grpc-client.js';
export { TabletGrpcDialer } from './tablet-grpc-dialer.js';
export { errorFromGrpcStatus, rpcErrorMessage, toGrpcStatus, toRPCError, type GrpcStatusError, type RPCErrorWire } from './rpc-error.js';
export { writeWithBackpressure } from './write-with-backpressure.js';
export { RemoteMysqlNetwork } from './remote-mysql-network.js';
export { RemoteReplicationSource } from './remote-replication-source.js';
export { TransactionDecoder, TransactionEncoder } from './binlog-dump-wire.js';
export { resultFromWire, type QueryResultDecoded } from './query-result-wire.js';
