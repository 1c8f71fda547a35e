/**
 * The source side of `vtsimbinlog.BinlogDump` (proto/vtsimbinlog.proto): a tablet process serves
 * its mysqld's binlog to replicas in other processes, standing in for the binlog dump MySQL serves
 * on its mysql port. One call is one replica connection: the replica connects (saying whether it
 * acknowledges, for semi-sync) and gets a handshake (server_uuid, gtid_executed), then asks for the
 * binlog from its GTID set and gets every transaction it lacks, live, until either side ends it.
 * A stopped mysqld refuses the call with UNAVAILABLE before any handshake; a mysqld that stops
 * during the dump ends it with CR_SERVER_LOST (2013); a purged binlog with 1236. While the dump
 * has nothing to send, a heartbeat goes out every SOURCE_HEARTBEAT_PERIOD the replica asked for,
 * as MySQL's dump thread sends HEARTBEAT_LOG_EVENTs.
 *
 * A recent transaction is serialized once for all the replicas that already have its table maps
 * (the serialization, not the reading, is what a dump costs the source).
 */
import type { Server, ServerDuplexStream, ServiceDefinition } from '@grpc/grpc-js';
import { GtidSet, type BinlogTransaction } from '@vtsim/binlog';
import { Code } from '@vtsim/proto';
import type { Mysqld } from '../mysqld/mysqld.js';
import { LocalReplicationSource, type SourceConnection } from '../replication-source.js';
import { TransactionEncoder, gtidFromWire, type GtidWire } from './binlog-dump-wire.js';
import { toGrpcStatus } from './rpc-error.js';
import { loadTabletProtos } from './tablet-protos.js';
import { writeWithBackpressure } from './write-with-backpressure.js';

/** vtsimbinlog.DumpRequest as decoded (one member set). */
interface DumpRequestWire {
  connect?: { semi_sync_replica: boolean; heartbeat_period_ms: string };
  dump_from?: string;
  ack?: GtidWire;
}

type DumpCall = ServerDuplexStream<DumpRequestWire, unknown>;

/** How many recent transactions keep their serialization for the other streams. */
const SHARED_RESPONSES = 64;

/**
 * The serialized DumpResponses of a source's recent transactions (those that carry no table map),
 * shared by its streams: replicas that keep up read the same transactions at about the same time.
 */
class SharedResponses {
  private readonly recent = new Map<BinlogTransaction, { ackRequested: boolean; bytes: Buffer }>();

  constructor(private readonly serialize: (value: unknown) => Buffer) {}

  /** The message to write for `tx` on a stream with `encoder`: shared bytes when the stream has its table maps. */
  response(tx: BinlogTransaction, encoder: TransactionEncoder, ackRequested: boolean): Buffer | object {
    const shared = this.recent.get(tx);
    if (shared && shared.ackRequested === ackRequested && encoder.hasTableMaps(tx)) return shared.bytes;
    const transaction = encoder.encode(tx);
    const response = { transaction, ack_requested: ackRequested };
    if (transaction.table_maps.length > 0) return response;
    const bytes = this.serialize(response);
    this.recent.delete(tx);
    this.recent.set(tx, { ackRequested, bytes });
    if (this.recent.size > SHARED_RESPONSES) this.recent.delete(this.recent.keys().next().value!);
    return bytes;
  }
}

/** A dump's heartbeats: sent() after each transaction written, stop() at the end. */
interface Heartbeats {
  sent(): void;
  stop(): void;
}

/**
 * Sends a heartbeat on `call` whenever nothing went out for `periodMs` (0 or less: never). The
 * check runs four times a period, so a heartbeat leaves at most 1.25 periods after the last
 * message (well within the replica's replica_net_timeout, twice the period by default); none is
 * queued behind a write waiting for the replica to read.
 */
function startHeartbeats(call: DumpCall, periodMs: number): Heartbeats {
  if (!(periodMs > 0)) return { sent: () => undefined, stop: () => undefined };
  let last = Date.now();
  const timer = setInterval(() => {
    if (Date.now() - last < periodMs || call.writableNeedDrain || call.destroyed) return;
    last = Date.now();
    call.write({ heartbeat: {} });
  }, Math.max(1, periodMs / 4));
  return {
    sent: () => (last = Date.now()),
    stop: () => clearInterval(timer),
  };
}

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

async function serveDump(call: DumpCall, mysqld: Mysqld, shared: SharedResponses, shutdown: AbortSignal): Promise<void> {
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
  let heartbeats: Heartbeats | undefined;
  try {
    await writeWithBackpressure(call, { handshake: { server_uuid: connection.serverUuid, gtid_executed: connection.gtidExecuted().toString() } }, controller.signal);
    const request = await nextRequest();
    if (!request || controller.signal.aborted) return;
    if (request.dump_from === undefined) return fail(call, Code.INVALID_ARGUMENT, 'binlog dump: the second message must be dump_from');
    const from = GtidSet.parse(request.dump_from);
    heartbeats = startHeartbeats(call, Number(hello.connect.heartbeat_period_ms));
    void (async () => {
      for (let req = await nextRequest(); req; req = await nextRequest()) if (req.ack) connection.ack(gtidFromWire(req.ack));
    })();
    const encoder = new TransactionEncoder();
    for await (const tx of connection.dump(from, controller.signal)) {
      if (controller.signal.aborted) break;
      heartbeats.sent();
      await writeWithBackpressure(call, shared.response(tx, encoder, mysqld.semiSync.enabled), controller.signal);
    }
    if (!controller.signal.aborted) call.end();
  } catch (err) {
    if (!controller.signal.aborted) call.emit('error', toGrpcStatus(err));
  } finally {
    heartbeats?.stop();
    connection.close();
    call.off('cancelled', abort);
    call.off('end', abort);
    shutdown.removeEventListener('abort', abort);
    // A closing server ends the dump as a closing connection does: the replica sees it lost.
    if (shutdown.aborted && !call.destroyed) fail(call, Code.UNAVAILABLE, 'transport is closing');
  }
}

/**
 * Serves `vtsimbinlog.BinlogDump` over `mysqld` on `server`; `shutdown` aborts when the server
 * closes (open dumps end, as a mysqld's connections do).
 */
export function addBinlogDumpService(server: Server, mysqld: Mysqld, shutdown: AbortSignal): void {
  const service = loadTabletProtos().BinlogDump.service;
  const dump = service.Dump!;
  // Bytes serialized already (SharedResponses) go out as they are.
  const definition: ServiceDefinition = { ...service, Dump: { ...dump, responseSerialize: (value: unknown) => (Buffer.isBuffer(value) ? value : dump.responseSerialize(value)) } };
  const shared = new SharedResponses((value) => dump.responseSerialize(value));
  server.addService(definition, { Dump: (call: DumpCall) => void serveDump(call, mysqld, shared, shutdown) });
}
