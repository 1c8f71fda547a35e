/** vtgate's gRPC edge: the `.proto` files, the `vtgateservice.Vitess` server and a client built from the protos. */
export { PROTO_FILES, loadVitessProtos, protoLoaderOptions, vitessServerService, type EnumDecoding, type VitessProtos } from './proto-files.js';
export { ProtoSchema, is64Bit, type FieldKind, type ProtoEnum, type ProtoField, type ProtoMessage } from './proto-schema.js';
export { addVtgateServices, startSharedGrpcServer, startVtgateGrpcServer, type GrpcServiceHost, type SharedGrpcServer, VTGATE_GRPC_PORT, type VtgateGrpcServer, type VtgateGrpcServerOptions, type VtgateServiceOptions, type VtgateServices } from './vtgate-grpc-server.js';
export type { VStreamFunction } from './vstream-call.js';
export { VtgateClient, type DecodedMessage, type VtgateClientOptions } from './vtgate-client.js';
export { toGrpcStatus, toRPCError, rpcErrorMessage, type RPCErrorWire } from '@vtsim/vttablet';
export { bindVariableToWire, bindVariableFromWire, bindVarsFromWire, type BindVariableWire, type ValueWire } from '@vtsim/proto';
export type { SessionWire, ShardSessionWire } from './grpc-session-store.js';
