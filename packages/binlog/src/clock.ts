/** Injected time: core code reads the time only through a Clock. */
export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number;
  /** Nanoseconds since the epoch, as a bigint (for VEvent.current_time). */
  nowNanos(): bigint;
}

/** The real wall clock. */
export const systemClock: Clock = {
  now: () => Date.now(),
  nowNanos: () => BigInt(Date.now()) * 1_000_000n + (process.hrtime.bigint() % 1_000_000n),
};
