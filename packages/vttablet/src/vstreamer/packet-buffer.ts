/**
 * PacketBuffer: how the vstreamer groups events into tablet batches (Vitess's bufferAndTransmit).
 * BEGIN, GTID, FIELD and JOURNAL events wait in the buffer; ROW events wait until the row data
 * buffered would pass the packet size, which sends what was buffered before them; COMMIT, DDL,
 * OTHER and HEARTBEAT end a batch. So a large transaction leaves in several batches of about
 * the packet size each.
 */
import type { VEvent } from '@vtsim/proto';

/** Vitess's default `vstream_packet_size`: bytes of row data per batch. */
export const DEFAULT_PACKET_SIZE = 250_000;

/** Buffers one stream's events; the caller sends each batch it is handed, in order. */
export class PacketBuffer {
  private events: VEvent[] = [];
  private size = 0;

  constructor(private readonly packetSize: number) {}

  /** Buffers an event that does not end a batch (BEGIN, GTID, FIELD, JOURNAL). */
  push(ev: VEvent): void {
    this.events.push(ev);
  }

  /**
   * Buffers a ROW event carrying `size` bytes of row data. Returns the batch to send first when
   * the buffered rows plus this one would pass the packet size (a lone oversized row still waits).
   */
  pushRow(ev: VEvent, size: number): VEvent[] | undefined {
    let ready: VEvent[] | undefined;
    if (this.size + size > this.packetSize && this.events.length > 0) {
      ready = this.events;
      this.events = [];
      this.size = 0;
    }
    this.events.push(ev);
    this.size += size;
    return ready;
  }

  /** Buffers an event that ends a batch (COMMIT, DDL, OTHER, HEARTBEAT) and returns the batch. */
  end(ev: VEvent): VEvent[] {
    const batch = this.events;
    batch.push(ev);
    this.events = [];
    this.size = 0;
    return batch;
  }
}
