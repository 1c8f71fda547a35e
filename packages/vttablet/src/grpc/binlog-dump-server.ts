/**
 * The source side of `vtsimbinlog.BinlogDump` (proto/vtsimbinlog.proto): a tablet process serves
 * its mysqld's binlog to replicas in other processes, standing in for the binlog dump MySQL serves
 * on its mysql port. One call is one replica connection: the replica connects (saying whether it
 * acknowledges, for semi-sync) and gets a handshake (server_uuid, gtid_executed), then asks for the
 * binlog from its GTID set and gets every transaction it lacks, live, until either side ends it.
 * A stopped mysqld refuses the call with UNAVAILABLE before any handshake; a mysqld that stops
 * during the dump ends it with CR_SERVER_LOST (2013); a purged binlog with 1236.
 */
import type { ServerDuplexStream, UntypedServiceImplementation } from '@grpc/grpc-js';
import { GtidSet } from '@vtsim/binlog';
import { Code } from '@vtsim/proto';
import type { Mysqld } from '../mysqld/mysqld.js';
import { LocalReplicationSource, type SourceConnection } from '../replication-source.js';
import { TransactionEncoder, gtidFromWire, type GtidWire } from './binlog-dump-wire.js';
import { toGrpcStatus } from './rpc-error.js';
import { writeWithBackpressure } from './write-with-backpressure.js';

/** vtsimbinlog.DumpRequest as decoded (one member set). */
interface DumpRequestWire {
  connect?: { semi_sync_replica: boolean };
  dump_from?: string;
  ack?: GtidWire;
}

type DumpCall = ServerDuplexStream<DumpRequestWire, unknown>;

/** Reads the call's messages in order; next() is undefined once the replica ended or cancelled the call. */
function requestReader(call: DumpCall): () => Promise<DumpRequestWire | undefined> {
  const requests = (call as AsyncIterable<DumpRequestWire>)[Symbol.asyncIterator]();
  return () =>
    requests.next().then(
      (r) => (r.done ? undefined : r.value),
      () => undefined,
    );
}

function fail(call: DumpCall, code: Code, message: string): void {
  call.emit('error', { code, details: message, message });
}

async function serveDump(call: DumpCall, mysqld: Mysqld, shutdown: AbortSignal): Promise<void> {
  const nextRequest = requestReader(call);
  const hello = await nextRequest();
  if (!hello) return;
  if (!hello.connect) return fail(call, Code.INVALID_ARGUMENT, 'binlog dump: the first message must be connect');
  if (!mysqld.running || shutdown.aborted) return fail(call, Code.UNAVAILABLE, 'mysqld is not running');
  const connection: SourceConnection = new LocalReplicationSource(mysqld).connect({ semiSyncReplica: hello.connect.semi_sync_replica });
  const controller = new AbortController();
  const abort = (): void => controller.abort();
  call.once('cancelled', abort);
  call.once('end', abort);
  shutdown.addEventListener('abort', abort);
  try {
    await writeWithBackpressure(call, { handshake: { server_uuid: connection.serverUuid, gtid_executed: connection.gtidExecuted().toString() } }, controller.signal);
    const request = await nextRequest();
    if (!request || controller.signal.aborted) return;
    if (request.dump_from === undefined) return fail(call, Code.INVALID_ARGUMENT, 'binlog dump: the second message must be dump_from');
    const from = GtidSet.parse(request.dump_from);
    void (async () => {
      for (let req = await nextRequest(); req; req = await nextRequest()) if (req.ack) connection.ack(gtidFromWire(req.ack));
    })();
    const encoder = new TransactionEncoder();
    for await (const tx of connection.dump(from, controller.signal)) {
      if (controller.signal.aborted) break;
      await writeWithBackpressure(call, { transaction: encoder.encode(tx) }, controller.signal);
    }
    if (!controller.signal.aborted) call.end();
  } catch (err) {
    if (!controller.signal.aborted) call.emit('error', toGrpcStatus(err));
  } finally {
    connection.close();
    call.off('cancelled', abort);
    call.off('end', abort);
    shutdown.removeEventListener('abort', abort);
    // A closing server ends the dump as a closing connection does: the replica sees it lost.
    if (shutdown.aborted && !call.destroyed) fail(call, Code.UNAVAILABLE, 'transport is closing');
  }
}

/**
 * The `vtsimbinlog.BinlogDump` implementation over `mysqld`; `shutdown` aborts when the server
 * closes (open dumps end, as a mysqld's connections do).
 */
export function binlogDumpService(mysqld: Mysqld, shutdown: AbortSignal): UntypedServiceImplementation {
  return {
    Dump: (call: DumpCall) => void serveDump(call, mysqld, shutdown),
  };
}
