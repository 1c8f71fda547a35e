/**
 * PacketReader: reassembles the client's byte stream into logical packets (3-byte length +
 * sequence id framing; payloads of 16 MiB - 1 continue in the next packet and are joined).
 */
import { MAX_PACKET_PAYLOAD } from './constants.js';

/** A client packet whose payload is larger than the server's max_allowed_packet. */
export class PacketTooLargeError extends Error {
  /** `seq` is the sequence id of the offending packet's header. */
  constructor(
    readonly limit: number,
    readonly seq: number,
  ) {
    super(`packet larger than max_allowed_packet (${limit} bytes)`);
    this.name = 'PacketTooLargeError';
  }
}

/**
 * Frames incoming bytes. {@link push} calls `onPacket` once per complete logical packet, in order,
 * with the payload (which may share memory with the pushed chunks: pushed buffers must not be
 * reused by the caller) and the sequence id of its last physical packet. `push` throws
 * {@link PacketTooLargeError} as soon as a header announces more than `maxPayload` bytes, before
 * buffering them.
 */
export class PacketReader {
  private parts: Buffer[] = [];
  private partsLength = 0;
  private needed = 4;
  private continued: Buffer[] = [];
  private continuedLength = 0;

  constructor(
    private maxPayload: number,
    private readonly onPacket: (payload: Buffer, seq: number) => void,
  ) {}

  /** Changes the payload limit for packets whose header has not been read yet. */
  setMaxPayload(limit: number): void {
    this.maxPayload = limit;
  }

  /** Bytes received that do not yet form a complete logical packet. */
  get pendingBytes(): number {
    return this.partsLength + this.continuedLength;
  }

  /** Feeds one chunk read from the socket. */
  push(chunk: Buffer): void {
    if (this.partsLength === 0) {
      this.consume(chunk);
      return;
    }
    this.parts.push(chunk);
    this.partsLength += chunk.length;
    if (this.partsLength < this.needed) return;
    const joined = Buffer.concat(this.parts, this.partsLength);
    this.parts = [];
    this.partsLength = 0;
    this.consume(joined);
  }

  private consume(buf: Buffer): void {
    let off = 0;
    for (;;) {
      const avail = buf.length - off;
      if (avail < 4) {
        this.needed = 4;
        break;
      }
      const len = buf[off]! | (buf[off + 1]! << 8) | (buf[off + 2]! << 16);
      if (this.continuedLength + len > this.maxPayload) throw new PacketTooLargeError(this.maxPayload, buf[off + 3]!);
      if (avail < 4 + len) {
        this.needed = 4 + len;
        break;
      }
      const seq = buf[off + 3]!;
      const payload = buf.subarray(off + 4, off + 4 + len);
      off += 4 + len;
      this.deliver(payload, seq);
    }
    if (off < buf.length) {
      this.parts.push(off === 0 ? buf : buf.subarray(off));
      this.partsLength = buf.length - off;
    }
  }

  private deliver(payload: Buffer, seq: number): void {
    if (payload.length === MAX_PACKET_PAYLOAD) {
      this.continued.push(payload);
      this.continuedLength += payload.length;
      return;
    }
    if (this.continuedLength === 0) {
      this.onPacket(payload, seq);
      return;
    }
    this.continued.push(payload);
    const whole = Buffer.concat(this.continued, this.continuedLength + payload.length);
    this.continued = [];
    this.continuedLength = 0;
    this.onPacket(whole, seq);
  }
}
