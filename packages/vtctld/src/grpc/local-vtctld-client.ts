/**
 * An in-process VtctldClient over a Vtctld: each call goes through the same encoding a gRPC
 * client's call does (the request encoded as the client encodes it and decoded as the server
 * does; the response the other way round, then put in protojson order), so code written against
 * {@link dialVtctld}'s answers (vtctldclient's commands) runs unchanged inside vtctld, as Vitess's
 * vtctl runs its commands against the vtctld server in its own process.
 */
import { status as GrpcStatus } from '@grpc/grpc-js';
import type { Vtctld } from '../vtctld.js';
import { toVtError } from '../vtctld-error.js';
import { loadVtctlProtos } from './proto-files.js';
import { protojsonOrder, responseTypeOf } from './protojson-order.js';
import { VtctldCallError, type VtctldClient } from './vtctld-client.js';
import { grpcStatusOf, vtctldMethod } from './vtctld-grpc-server.js';

/** A VtctldClient answering from `vtctld` in this process; failures are VtctldCallErrors as over the wire. */
export function localVtctldClient(vtctld: Vtctld): VtctldClient {
  const server = loadVtctlProtos('server');
  const client = loadVtctlProtos('client');
  return {
    async call<T>(rpc: string, request: object): Promise<T> {
      const wire = client.service[rpc];
      const own = server.service[rpc];
      const method = vtctldMethod(vtctld, rpc);
      if (!wire || !own || !method) throw new VtctldCallError(GrpcStatus.UNIMPLEMENTED, `unknown method ${rpc} for service vtctlservice.Vtctld`);
      const req = own.requestDeserialize(wire.requestSerialize(request));
      let response: unknown;
      try {
        response = await method(req);
      } catch (err) {
        const e = toVtError(err);
        throw new VtctldCallError(grpcStatusOf(e.code), e.message);
      }
      const decoded = wire.responseDeserialize(own.responseSerialize(response));
      const type = responseTypeOf(client.packageDefinition, rpc);
      return (type ? protojsonOrder(client.packageDefinition, type, decoded) : decoded) as T;
    },
    close() {},
  };
}
