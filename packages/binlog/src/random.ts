/**
 * Injected randomness: core code draws random numbers only from a Random, and a SeededRandom
 * makes every run with the same seed draw the same sequence (server UUIDs, journal ids, …).
 */

/** A source of uniformly distributed random numbers. */
export interface Random {
  /** A number in [0, 1), with 32 bits of randomness. */
  next(): number;
  /** An integer in [0, 2^32). */
  nextUint32(): number;
}

/**
 * A deterministic Random: the sfc32 generator, its state derived from the seed through an
 * FNV-1a hash expanded with splitmix32. The same seed always gives the same sequence; a number
 * seed behaves as its decimal string (`1` and `'1'` are the same seed).
 */
export class SeededRandom implements Random {
  private a: number;
  private b: number;
  private c: number;
  private counter: number;

  /** Seeds the generator; any string or number is a valid seed. */
  constructor(seed: number | string) {
    let mix = fnv1a(String(seed));
    const nextWord = (): number => {
      mix = (mix + 0x9e3779b9) | 0;
      let z = mix;
      z = Math.imul(z ^ (z >>> 16), 0x21f0aaad);
      z = Math.imul(z ^ (z >>> 15), 0x735a2d97);
      return (z ^ (z >>> 15)) | 0;
    };
    this.a = nextWord();
    this.b = nextWord();
    this.c = nextWord();
    this.counter = 1;
    for (let i = 0; i < 12; i++) this.nextUint32();
  }

  nextUint32(): number {
    const t = (((this.a + this.b) | 0) + this.counter) | 0;
    this.counter = (this.counter + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return t >>> 0;
  }

  next(): number {
    return this.nextUint32() / 0x1_0000_0000;
  }
}

/** FNV-1a over the UTF-16 code units of `text`, low byte then high byte. */
function fnv1a(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    h = Math.imul(h ^ (unit & 0xff), 0x01000193);
    h = Math.imul(h ^ (unit >>> 8), 0x01000193);
  }
  return h >>> 0;
}

/**
 * Draws a lowercase, version-1-shaped UUID like a MySQL `server_uuid`
 * (`xxxxxxxx-xxxx-1xxx-Vxxx-xxxxxxxxxxxx`, V one of 8, 9, a, b), consuming four numbers from `r`.
 */
export function randomUuid(r: Random): string {
  const w0 = r.nextUint32();
  const w1 = r.nextUint32();
  const w2 = r.nextUint32();
  const w3 = r.nextUint32();
  const timeMid = w1 >>> 16;
  const timeHiAndVersion = 0x1000 | (w1 & 0x0fff);
  const clockSeq = 0x8000 | ((w2 >>> 16) & 0x3fff);
  const nodeHigh = w2 & 0xffff;
  return `${hex(w0, 8)}-${hex(timeMid, 4)}-${hex(timeHiAndVersion, 4)}-${hex(clockSeq, 4)}-${hex(nodeHigh, 4)}${hex(w3, 8)}`;
}

function hex(value: number, width: number): string {
  return value.toString(16).padStart(width, '0');
}
