/**
 * The replica side of `vtsimbinlog.BinlogDump` (see binlog-dump-server.ts): a source mysqld in
 * another tablet process, found from its tablet record on every connect (hostname and
 * `port_map.grpc`, as the replica's CHANGE REPLICATION SOURCE names the source tablet). Failures
 * are the ones MySQL's IO thread sees: CR_CONN_HOST_ERROR (2003) when the source cannot be reached
 * (no record, nothing listening, its mysqld stopped), CR_SERVER_LOST (2013) when the dump breaks or
 * the source falls silent (no handshake, event or heartbeat within the replica's
 * `replica_net_timeout`: a stopped or hung process), and the source's own errors (1236) as it sent
 * them.
 */
import { credentials, type ClientDuplexStream } from '@grpc/grpc-js';
import { GtidSet, type BinlogTransaction, type Gtid } from '@vtsim/binlog';
import { ER, SqlError, type TabletAlias } from '@vtsim/proto';
import type { TopoServer } from '@vtsim/topo';
import { connHostError, handshakeLostError, serverLostError } from '../mysqld/client-errors.js';
import { DEFAULT_REPLICA_NET_TIMEOUT_MS, type ConnectOptions, type ReplicationSource, type SourceConnection } from '../replication-source.js';
import { TransactionDecoder, gtidToWire, type TransactionWire } from './binlog-dump-wire.js';
import { errorFromGrpcStatus } from './rpc-error.js';
import { GRPC_MESSAGE_SIZE_OPTIONS, loadTabletProtos } from './tablet-protos.js';

/** vtsimbinlog.DumpResponse as decoded. */
interface DumpResponseWire {
  handshake?: { server_uuid: string; gtid_executed: string };
  transaction?: TransactionWire;
  ack_requested: boolean;
}

type DumpStream = ClientDuplexStream<object, DumpResponseWire>;

/** `host:port` with an IPv6 host in brackets. */
function hostPort(host: string, port: number): string {
  return `${host.includes(':') ? `[${host}]` : host}:${port}`;
}

/** A source tablet in another process; see the module comment. */
export class RemoteReplicationSource implements ReplicationSource {
  constructor(
    private readonly alias: TabletAlias,
    private readonly topo: TopoServer,
  ) {}

  async connect(opts: ConnectOptions): Promise<SourceConnection> {
    // Until the record is read, errors name the local example's mysql port of the source.
    let refused = connHostError('localhost', 17000 + this.alias.uid);
    let address: string;
    try {
      const { tablet } = await this.topo.getTablet(this.alias);
      refused = connHostError(tablet.mysql_hostname || tablet.hostname, tablet.mysql_port || 17000 + this.alias.uid);
      const port = tablet.port_map.grpc;
      if (!port) throw refused;
      address = hostPort(tablet.hostname, port);
    } catch {
      throw refused;
    }
    const protos = loadTabletProtos();
    const client = new protos.BinlogDump(address, credentials.createInsecure(), GRPC_MESSAGE_SIZE_OPTIONS) as unknown as {
      Dump(): DumpStream;
      close(): void;
    };
    const call = client.Dump();
    const close = (): void => {
      call.cancel();
      client.close();
    };
    call.on('error', () => undefined); // read through the iterator below
    const responses = (call as AsyncIterable<DumpResponseWire>)[Symbol.asyncIterator]();
    // A source that does not answer within replica_net_timeout (MySQL's replica uses it as its
    // connect timeout), or a STOP REPLICA meanwhile, ends the attempt.
    const netTimeoutMs = opts.netTimeoutMs ?? DEFAULT_REPLICA_NET_TIMEOUT_MS;
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      close();
    }, netTimeoutMs);
    opts.signal?.addEventListener('abort', close);
    let handshake: DumpResponseWire['handshake'];
    try {
      if (opts.signal?.aborted) throw refused;
      // SOURCE_HEARTBEAT_PERIOD: MySQL's default, half of replica_net_timeout.
      call.write({ connect: { semi_sync_replica: opts.semiSyncReplica, heartbeat_period_ms: String(Math.round(netTimeoutMs / 2)) } });
      const first = await responses.next();
      handshake = first.done ? undefined : first.value.handshake;
    } catch {
      handshake = undefined;
    } finally {
      clearTimeout(timer);
      opts.signal?.removeEventListener('abort', close);
    }
    if (!handshake) {
      close();
      // Connected but never greeted (a stopped process): MySQL's 'reading initial communication packet'.
      throw timedOut ? handshakeLostError() : refused;
    }
    return new RemoteConnection(call, responses, handshake.server_uuid, GtidSet.parse(handshake.gtid_executed), close, netTimeoutMs);
  }
}

/** One open dump call. */
class RemoteConnection implements SourceConnection {
  private closed = false;
  /** Whether the source asked for an ack of the last transaction (true until one arrived: an ack at connect goes out). */
  private ackRequested = true;

  constructor(
    private readonly call: DumpStream,
    private readonly responses: AsyncIterator<DumpResponseWire>,
    readonly serverUuid: string,
    private executed: GtidSet,
    private readonly end: () => void,
    private readonly netTimeoutMs: number,
  ) {}

  gtidExecuted(): GtidSet {
    return this.executed;
  }

  async *dump(from: GtidSet, signal: AbortSignal): AsyncGenerator<BinlogTransaction, void, undefined> {
    if (signal.aborted) return;
    const onAbort = (): void => this.close();
    signal.addEventListener('abort', onAbort);
    // replica_net_timeout: a source silent that long (no transaction, no heartbeat) is lost.
    let silent = false;
    const silence = setTimeout(() => {
      silent = true;
      this.close();
    }, this.netTimeoutMs);
    try {
      this.call.write({ dump_from: from.toString() });
      const decoder = new TransactionDecoder();
      for (;;) {
        let next: IteratorResult<DumpResponseWire>;
        try {
          next = await this.responses.next();
        } catch (err) {
          if (signal.aborted) return;
          throw silent ? serverLostError() : lostOr(err);
        }
        if (signal.aborted) return;
        // The source ended the dump without an error (or fell silent): it went away all the same.
        if (next.done) throw serverLostError();
        silence.refresh();
        const wire = next.value.transaction;
        if (!wire) continue;
        const tx = decoder.decode(wire);
        this.ackRequested = next.value.ack_requested;
        this.executed = this.executed.add(tx.gtid);
        yield tx;
      }
    } finally {
      clearTimeout(silence);
      signal.removeEventListener('abort', onAbort);
    }
  }

  ack(gtid: Gtid): void {
    if (!this.closed && this.ackRequested && this.call.writable) this.call.write({ ack: gtidToWire(gtid) });
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.end();
  }
}

/**
 * The IO thread's error for a dump that failed: the source's MySQL error when it sent one (1236,
 * 2013), CR_SERVER_LOST (2013) for anything else (the process died, the network broke).
 */
function lostOr(err: unknown): SqlError {
  const status = err as { code?: number; details?: string };
  if (typeof status.code === 'number' && typeof status.details === 'string') {
    const sent = errorFromGrpcStatus({ code: status.code, details: status.details });
    if (sent.errno !== ER.UNKNOWN_ERROR[0]) return sent;
  }
  return serverLostError();
}
