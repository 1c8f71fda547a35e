/**
 * PayloadReader: reads the fields of one client packet (fixed integers, length-encoded integers
 * and strings, NUL-terminated strings), failing with MalformedPacketError on truncation.
 */

/** A client packet that ends early or carries impossible values; the connection is closed. */
export class MalformedPacketError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MalformedPacketError';
  }
}

/** A cursor over a payload; every read throws {@link MalformedPacketError} instead of reading past the end. */
export class PayloadReader {
  private pos: number;

  constructor(
    private readonly buf: Buffer,
    start = 0,
  ) {
    this.pos = start;
  }

  /** Bytes left to read. */
  get remaining(): number {
    return this.buf.length - this.pos;
  }

  /** Reads one byte. */
  u8(): number {
    this.need(1);
    return this.buf[this.pos++]!;
  }

  /** Reads a little-endian 2-byte integer. */
  u16(): number {
    this.need(2);
    const v = this.buf.readUInt16LE(this.pos);
    this.pos += 2;
    return v;
  }

  /** Reads a little-endian 4-byte integer. */
  u32(): number {
    this.need(4);
    const v = this.buf.readUInt32LE(this.pos);
    this.pos += 4;
    return v;
  }

  /** Reads a length-encoded integer; values beyond 2^53 are rejected as malformed. */
  lenencInt(): number {
    const first = this.u8();
    if (first < 0xfb) return first;
    if (first === 0xfc) return this.u16();
    if (first === 0xfd) {
      this.need(3);
      const v = this.buf.readUIntLE(this.pos, 3);
      this.pos += 3;
      return v;
    }
    if (first === 0xfe) {
      this.need(8);
      const v = this.buf.readBigUInt64LE(this.pos);
      this.pos += 8;
      if (v > BigInt(Number.MAX_SAFE_INTEGER)) throw new MalformedPacketError('length-encoded integer out of range');
      return Number(v);
    }
    throw new MalformedPacketError(`invalid length-encoded integer prefix 0x${first.toString(16)}`);
  }

  /** Reads `n` raw bytes (a view, not a copy). */
  bytes(n: number): Buffer {
    this.need(n);
    const v = this.buf.subarray(this.pos, this.pos + n);
    this.pos += n;
    return v;
  }

  /** Skips `n` bytes. */
  skip(n: number): void {
    this.need(n);
    this.pos += n;
  }

  /** Reads a length-encoded string as UTF-8. */
  lenencString(): string {
    return this.bytes(this.lenencInt()).toString('utf8');
  }

  /** Reads a NUL-terminated string as UTF-8; a missing terminator is malformed. */
  nulString(): string {
    const end = this.buf.indexOf(0, this.pos);
    if (end < 0) throw new MalformedPacketError('string without NUL terminator');
    const v = this.buf.toString('utf8', this.pos, end);
    this.pos = end + 1;
    return v;
  }

  /** Reads a NUL-terminated string, or the rest of the packet when the terminator is missing (some clients omit it). */
  nulOrRestString(): string {
    return this.buf.indexOf(0, this.pos) < 0 ? this.restString() : this.nulString();
  }

  /** Reads the rest of the packet as UTF-8. */
  restString(): string {
    const v = this.buf.toString('utf8', this.pos);
    this.pos = this.buf.length;
    return v;
  }

  private need(n: number): void {
    if (this.pos + n > this.buf.length) throw new MalformedPacketError('packet ends early');
  }
}
