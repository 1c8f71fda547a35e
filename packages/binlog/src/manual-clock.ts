/**
 * A Clock that moves only when told to: for tests and for repeatable runs, where event
 * timestamps must not depend on the wall clock.
 */
import type { Clock } from './clock.js';

/** A Clock whose time is set and advanced explicitly; starts at `startMillis`. */
export class ManualClock implements Clock {
  private millis: number;

  /** Starts the clock at `startMillis` milliseconds since the epoch. */
  constructor(startMillis: number) {
    this.millis = startMillis;
  }

  now(): number {
    return this.millis;
  }

  nowNanos(): bigint {
    return BigInt(Math.floor(this.millis)) * 1_000_000n;
  }

  /** Moves the time forward by `millis` (which must not be negative; throws RangeError otherwise). */
  advance(millis: number): void {
    if (!(millis >= 0)) throw new RangeError(`cannot advance a clock by ${millis} ms`);
    this.millis += millis;
  }

  /** Sets the time to `millis` since the epoch (backwards too, to simulate clock skew). */
  set(millis: number): void {
    this.millis = millis;
  }
}
