/**
 * The tour's VStream client: a gRPC client of vtgate built from the `.proto` files (as the seed
 * document's Go client is), reading in the background. The tour collects what it received after
 * each step and prints every response in the document's text form, with a note saying what it is.
 */
import { VtgateClient, type DecodedMessage } from '@vtsim/vtgate';
import { noteVStreamResponse, type VStreamNoteState } from './example-vstream-notes.js';
import { formatVStreamResponseText } from './vstream-text-format.js';

/** One response as the tour prints it. */
export interface WatchedResponse {
  /** The response in Go's `%v` text form, as the seed document shows it. */
  text: string;
  /** What the response is, for a learner. */
  note: string;
  /** The response's event types, in order. */
  types: string[];
  /** The shards the stream is on after the response (from the last VGTID received). */
  shards: readonly string[];
}

/** A VStream client reading in the background; close() stops it. */
export class ExampleVStreamWatcher {
  private readonly client: VtgateClient;
  private readonly abort = new AbortController();
  private readonly pending: WatchedResponse[] = [];
  private readonly reading: Promise<void>;
  private lastArrival = performance.now();
  private state: VStreamNoteState = { shards: [], copying: false };
  private failure: Error | undefined;
  private ended = false;

  /** Connects to vtgate's gRPC `address` and starts the `vtgate.VStreamRequest` (proto field names). */
  constructor(address: string, request: object) {
    this.client = VtgateClient.connect(address, { enums: 'names' });
    this.reading = this.read(request);
  }

  private async read(request: object): Promise<void> {
    try {
      for await (const response of this.client.vstream(request, this.abort.signal)) this.receive(response);
    } catch (err) {
      this.failure = err as Error;
    } finally {
      this.ended = true;
    }
  }

  private receive(response: DecodedMessage): void {
    const events = (response.events ?? []) as DecodedMessage[];
    const note = noteVStreamResponse(events, this.state);
    this.state = note.state;
    this.pending.push({ text: formatVStreamResponseText(this.client.schema, response), note: note.text, types: events.map((e) => String(e.type)), shards: note.state.shards });
    this.lastArrival = performance.now();
  }

  /** True once the stream has ended (normally or with an error). */
  get done(): boolean {
    return this.ended;
  }

  /** The error the stream ended with, if any. */
  get error(): Error | undefined {
    return this.failure;
  }

  /**
   * Waits until nothing has arrived for `quietMs` since the call or the last arrival (or `maxMs`
   * passed, or the stream ended), then returns what arrived since the last call.
   */
  async settle(quietMs = 250, maxMs = 5000): Promise<WatchedResponse[]> {
    const started = performance.now();
    while (!this.ended && performance.now() - started < maxMs) {
      const quietFor = performance.now() - Math.max(started, this.lastArrival);
      if (quietFor >= quietMs) break;
      await new Promise((r) => setTimeout(r, Math.max(10, quietMs - quietFor)));
    }
    return this.pending.splice(0);
  }

  /** Stops the stream and closes the connection. Idempotent. */
  async close(): Promise<void> {
    this.abort.abort();
    await this.reading;
    this.client.close();
  }
}
