/**
 * The tour's VStream client: a gRPC client of vtgate built from the `.proto` files (as the seed
 * document's Go client is), reading in the background. The tour collects what it received after
 * each step and prints every response as one short line, or in the document's text form with a
 * note saying what it is.
 */
import { VtgateClient, type DecodedMessage } from '@vtsim/vtgate';
import { noteVStreamResponse, type VStreamNoteState } from './example-vstream-notes.js';
import { formatVStreamResponseLine, MAX_LINE, newVStreamLineState } from './vstream-line-format.js';
import { formatVStreamResponseText } from './vstream-text-format.js';

/** One response as the tour prints it. */
export interface WatchedResponse {
  /** The response in Go's `%v` text form, as the seed document shows it. */
  text: string;
  /** What the response is, for a learner. */
  note: string;
  /** The response as one line of at most MAX_LINE characters with the tour's two-space indent. */
  line: string;
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
  private readonly lineState = newVStreamLineState();
  private failure: Error | undefined;
  private ended = false;

  /**
   * Connects to vtgate's gRPC `address` and starts the `vtgate.VStreamRequest` (proto field names);
   * `color` colours the responses' lines.
   */
  constructor(address: string, request: object, private readonly color = false) {
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
    this.pending.push({
      text: formatVStreamResponseText(this.client.schema, response),
      note: note.text,
      line: formatVStreamResponseLine(response, this.lineState, this.color, MAX_LINE - 2),
      types: events.map((e) => String(e.type)),
      shards: note.state.shards,
    });
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
   * Waits until a response satisfying `until` (if given) has arrived since the last call and
   * nothing more has arrived for `quietMs`, or `maxMs` passed, or the stream ended; then returns
   * what arrived since the last call.
   */
  async settle(opts: { until?: (r: WatchedResponse) => boolean; quietMs?: number; maxMs?: number } = {}): Promise<WatchedResponse[]> {
    const { until, quietMs = 250, maxMs = until ? 30_000 : 5000 } = opts;
    const started = performance.now();
    while (!this.ended && performance.now() - started < maxMs) {
      if (until && !this.pending.some(until)) {
        await new Promise((r) => setTimeout(r, 20));
        continue;
      }
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
