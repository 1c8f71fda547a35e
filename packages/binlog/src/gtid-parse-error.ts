/** Thrown when GTID, GTID set or position text is malformed; the message names the bad input. */
export class GtidParseError extends Error {
  /** Builds the error; `input` is the whole text that failed to parse, quoted in the message. */
  constructor(message: string, readonly input: string) {
    super(`${message} in ${JSON.stringify(input)}`);
    this.name = 'GtidParseError';
  }
}
