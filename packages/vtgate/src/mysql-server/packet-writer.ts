/**
 * PacketWriter: encodes server packets into one growing buffer, framing each payload with its
 * 3-byte length and sequence id, so that a whole response leaves in a single socket write.
 */
import { MAX_PACKET_PAYLOAD } from './constants.js';

const INITIAL_CAPACITY = 16 * 1024;
/** Above this, {@link PacketWriter.take} hands the buffer over instead of copying out of it. */
const COPY_LIMIT = 8 * 1024;
/** Strings longer than this are measured before writing instead of over-reserving three bytes a character. */
const MEASURE_OVER = 1024;

/**
 * Builds framed packets. Usage: `begin()`, write the payload, `end()`; repeat; then `take()` the
 * bytes for the socket. The sequence id is owned by the connection: set {@link seq} to the id of
 * the first reply packet; every `end()` advances it.
 */
export class PacketWriter {
  /** Sequence id the next packet gets (0–255, wrapping). */
  seq = 0;
  private buf = Buffer.allocUnsafe(INITIAL_CAPACITY);
  private pos = 0;
  private packetStart = -1;

  /** Bytes written and not yet taken. */
  get length(): number {
    return this.pos;
  }

  /** Starts a packet: reserves its header. */
  begin(): void {
    this.ensure(4);
    this.packetStart = this.pos;
    this.pos += 4;
  }

  /** Ends the packet begun last: writes its header, splitting payloads of 16 MiB - 1 or more as MySQL does. */
  end(): void {
    const start = this.packetStart;
    const len = this.pos - start - 4;
    this.packetStart = -1;
    if (len < MAX_PACKET_PAYLOAD) {
      this.buf.writeUIntLE(len, start, 3);
      this.buf[start + 3] = this.seq;
      this.seq = (this.seq + 1) & 0xff;
      return;
    }
    const payload = Buffer.from(this.buf.subarray(start + 4, this.pos));
    this.pos = start;
    let off = 0;
    for (;;) {
      const n = Math.min(MAX_PACKET_PAYLOAD, payload.length - off);
      this.ensure(4 + n);
      this.buf.writeUIntLE(n, this.pos, 3);
      this.buf[this.pos + 3] = this.seq;
      this.seq = (this.seq + 1) & 0xff;
      payload.copy(this.buf, this.pos + 4, off, off + n);
      this.pos += 4 + n;
      off += n;
      if (n < MAX_PACKET_PAYLOAD) return;
    }
  }

  /** Returns everything written so far and starts empty; the returned buffer is the caller's. */
  take(): Buffer {
    let out: Buffer;
    if (this.pos <= COPY_LIMIT) {
      out = Buffer.from(this.buf.subarray(0, this.pos));
    } else {
      out = this.buf.subarray(0, this.pos);
      this.buf = Buffer.allocUnsafe(INITIAL_CAPACITY);
    }
    this.pos = 0;
    return out;
  }

  /** Writes one byte. */
  u8(v: number): void {
    this.ensure(1);
    this.buf[this.pos++] = v;
  }

  /** Writes a little-endian 2-byte integer. */
  u16(v: number): void {
    this.ensure(2);
    this.buf.writeUInt16LE(v, this.pos);
    this.pos += 2;
  }

  /** Writes a little-endian 4-byte integer. */
  u32(v: number): void {
    this.ensure(4);
    this.buf.writeUInt32LE(v >>> 0, this.pos);
    this.pos += 4;
  }

  /** Writes the low 64 bits of `v` little-endian (two's complement for negatives). */
  u64(v: bigint): void {
    this.ensure(8);
    this.buf.writeBigUInt64LE(BigInt.asUintN(64, v), this.pos);
    this.pos += 8;
  }

  /** Writes a little-endian IEEE-754 single. */
  f32(v: number): void {
    this.ensure(4);
    this.buf.writeFloatLE(v, this.pos);
    this.pos += 4;
  }

  /** Writes a little-endian IEEE-754 double. */
  f64(v: number): void {
    this.ensure(8);
    this.buf.writeDoubleLE(v, this.pos);
    this.pos += 8;
  }

  /** Writes `n` zero bytes. */
  zeros(n: number): void {
    this.ensure(n);
    this.buf.fill(0, this.pos, this.pos + n);
    this.pos += n;
  }

  /** Writes a length-encoded integer (1, 3, 4 or 9 bytes); bigints must be within 0 … 2^64-1. */
  lenencInt(v: number | bigint): void {
    if (typeof v === 'bigint') {
      if (v <= 0xffffffn) {
        this.lenencInt(Number(v));
        return;
      }
      this.ensure(9);
      this.buf[this.pos] = 0xfe;
      this.buf.writeBigUInt64LE(BigInt.asUintN(64, v), this.pos + 1);
      this.pos += 9;
      return;
    }
    this.ensure(9);
    const b = this.buf;
    if (v < 251) {
      b[this.pos++] = v;
    } else if (v < 0x10000) {
      b[this.pos] = 0xfc;
      b.writeUInt16LE(v, this.pos + 1);
      this.pos += 3;
    } else if (v < 0x1000000) {
      b[this.pos] = 0xfd;
      b.writeUIntLE(v, this.pos + 1, 3);
      this.pos += 4;
    } else {
      b[this.pos] = 0xfe;
      b.writeBigUInt64LE(BigInt(v), this.pos + 1);
      this.pos += 9;
    }
  }

  /** Writes a length-encoded string of the UTF-8 bytes of `s`. */
  lenencString(s: string): void {
    if (s.length > MEASURE_OVER) {
      const n = Buffer.byteLength(s, 'utf8');
      this.lenencInt(n);
      this.ensure(n);
      this.pos += this.buf.write(s, this.pos, n, 'utf8');
      return;
    }
    // Most strings are short: write them after a 1-byte length and widen the prefix only if needed.
    this.ensure(3 + s.length * 3);
    const at = this.pos;
    const n = this.buf.write(s, at + 1, 'utf8');
    if (n < 251) {
      this.buf[at] = n;
      this.pos = at + 1 + n;
      return;
    }
    this.buf.copyWithin(at + 3, at + 1, at + 1 + n);
    this.buf[at] = 0xfc;
    this.buf.writeUInt16LE(n, at + 1);
    this.pos = at + 3 + n;
  }

  /** Writes a length-encoded string of raw bytes. */
  lenencBytes(bytes: Uint8Array): void {
    this.lenencInt(bytes.length);
    this.bytes(bytes);
  }

  /** Writes raw bytes. */
  bytes(bytes: Uint8Array): void {
    this.ensure(bytes.length);
    this.buf.set(bytes, this.pos);
    this.pos += bytes.length;
  }

  /** Writes the UTF-8 bytes of `s` with no length and no terminator (a string<EOF>). */
  rawString(s: string): void {
    const n = Buffer.byteLength(s, 'utf8');
    this.ensure(n);
    this.pos += this.buf.write(s, this.pos, n, 'utf8');
  }

  /** Writes the UTF-8 bytes of `s` followed by a NUL byte. */
  nulString(s: string): void {
    this.rawString(s);
    this.u8(0);
  }

  private ensure(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    let cap = this.buf.length * 2;
    while (cap < this.pos + n) cap *= 2;
    const next = Buffer.allocUnsafe(cap);
    this.buf.copy(next, 0, 0, this.pos);
    this.buf = next;
  }
}
