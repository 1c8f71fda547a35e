/**
 * Encodes topology records as JSON bytes and back. Every `key_range` field is written as
 * `{"start": "<hex>", "end": "<hex>"}` and read back as bytes, wherever it appears in a record.
 */
import type { KeyRange } from '@vtsim/proto';
import { bytesToHex, hexToBytes } from './key-range.js';

const encoder = new TextEncoder();
const decoder = new TextDecoder();

function isKeyRange(v: unknown): v is KeyRange {
  return typeof v === 'object' && v !== null && (v as KeyRange).start instanceof Uint8Array && (v as KeyRange).end instanceof Uint8Array;
}

/** Serializes a record to UTF-8 JSON, with key ranges as hex. */
export function encodeRecord(record: unknown): Uint8Array {
  const json = JSON.stringify(record, (key, value: unknown) =>
    key === 'key_range' && isKeyRange(value) ? { start: bytesToHex(value.start), end: bytesToHex(value.end) } : value,
  );
  return encoder.encode(json);
}

/** Parses a record written by {@link encodeRecord}; throws on malformed JSON or hex. */
export function decodeRecord<T>(bytes: Uint8Array): T {
  return JSON.parse(decoder.decode(bytes), (key, value: unknown) => {
    if (key === 'key_range' && typeof value === 'object' && value !== null) {
      const v = value as { start?: unknown; end?: unknown };
      if (typeof v.start === 'string' && typeof v.end === 'string') return { start: hexToBytes(v.start), end: hexToBytes(v.end) };
    }
    return value;
  }) as T;
}
