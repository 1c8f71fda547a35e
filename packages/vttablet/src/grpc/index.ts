/** The tablet's gRPC edge: its server, the client other processes reach it with, and the wire helpers vtgate shares. */
export { startTabletGrpcServer, type ServedTablet, type TabletGrpcServer, type TabletGrpcServerOptions } from './tablet-grpc-server.js';
export { TabletGrpcClient, type TabletGrpcClientOptions } from './tablet-grpc-client.js';
export { TabletGrpcDialer } from './tablet-grpc-dialer.js';
export { errorFromGrpcStatus, rpcErrorMessage, toGrpcStatus, toRPCError, type GrpcStatusError, type RPCErrorWire } from './rpc-error.js';
export { writeWithBackpressure } from './write-with-backpressure.js';
export { resultFromWire, type QueryResultDecoded } from './query-result-wire.js';
