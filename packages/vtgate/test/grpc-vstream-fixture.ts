/**
 * The seam fixture for gRPC VStream tests: a vtgate gRPC server whose `vstream` is a scripted
 * iterable defined by the test, and a client built only from the `.proto` files.
 */
import type { VStreamRequest, VStreamResponse } from '@vtsim/proto';
import { startVtgateGrpcServer, VtgateClient, type EnumDecoding, type VtgateGrpcServer } from '../src/index.js';

/** What the scripted stream saw: every request, and how many responses were pulled from it. */
export interface SeamRecord {
  requests: VStreamRequest[];
  signals: AbortSignal[];
  pulls: number;
}

/** A server on a free port serving `script` as every VStream, plus a client; close() stops both. */
export class VStreamSeam {
  readonly record: SeamRecord = { requests: [], signals: [], pulls: 0 };

  private constructor(
    readonly server: VtgateGrpcServer,
    readonly client: VtgateClient,
  ) {}

  static async start(
    script: (request: VStreamRequest, signal: AbortSignal) => AsyncIterable<VStreamResponse>,
    opts: { enums?: EnumDecoding; shutdownGraceMs?: number } = {},
  ): Promise<VStreamSeam> {
    let seam: VStreamSeam | undefined;
    const server = await startVtgateGrpcServer({
      port: 0,
      shutdownGraceMs: opts.shutdownGraceMs ?? 200,
      vstream: (request, signal) => {
        seam!.record.requests.push(request);
        seam!.record.signals.push(signal);
        return counted(script(request, signal), seam!.record);
      },
    });
    seam = new VStreamSeam(server, VtgateClient.connect(`127.0.0.1:${server.port}`, { enums: opts.enums ?? 'numbers' }));
    return seam;
  }

  /** Reads a whole stream into an array (throws what the stream throws). */
  async collect(request: object = { vgtid: { shard_gtids: [{ keyspace: 'ks', shard: '0', gtid: '' }] } }): Promise<Array<Record<string, unknown>>> {
    const out: Array<Record<string, unknown>> = [];
    for await (const r of this.client.vstream(request)) out.push(r);
    return out;
  }

  async close(): Promise<void> {
    this.client.close();
    await this.server.close();
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }
}

async function* counted(source: AsyncIterable<VStreamResponse>, record: SeamRecord): AsyncGenerator<VStreamResponse> {
  for await (const r of source) {
    record.pulls++;
    yield r;
  }
}

/** Resolves when the signal aborts. */
export function aborted(signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => (signal.aborted ? resolve() : signal.addEventListener('abort', () => resolve(), { once: true })));
}

/** Waits until `check` is true, polling every 5 ms; fails after `timeoutMs`. */
export async function eventually(check: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('timed out waiting for condition');
    await new Promise((r) => setTimeout(r, 5));
  }
}
