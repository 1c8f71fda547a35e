/**
 * The `--save-vgtid` file: the last VGTID a client received, in protobuf JSON, replaced atomically
 * (write a temporary file, then rename) so a crash never leaves a torn position behind.
 */
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { VEventType } from '@vtsim/proto';
import type { DecodedMessage, ProtoSchema } from '@vtsim/vtgate';
import { fromProtoJson, toProtoJson } from './vstream-json-format.js';

/** Writes a `binlogdata.VGtid` to `file` atomically. */
export function saveVgtid(schema: ProtoSchema, file: string, vgtid: DecodedMessage): void {
  const tmp = `${file}.tmp-${process.pid}`;
  writeFileSync(tmp, `${JSON.stringify(toProtoJson(schema, 'binlogdata.VGtid', vgtid))}\n`);
  renameSync(tmp, file);
}

/** Reads the VGTID saved in `file`, or undefined if there is no such file. Throws if it is not a VGTID. */
export function loadVgtid(schema: ProtoSchema, file: string): DecodedMessage | undefined {
  if (!existsSync(file)) return undefined;
  const text = readFileSync(file, 'utf8');
  try {
    return fromProtoJson(schema, 'binlogdata.VGtid', JSON.parse(text));
  } catch (err) {
    throw new Error(`${file} does not hold a VGTID: ${(err as Error).message}`);
  }
}

/** The VGTID of the last VGTID event of a response, if it has one. */
export function lastVgtid(response: DecodedMessage): DecodedMessage | undefined {
  const events = (response.events ?? []) as DecodedMessage[];
  for (let i = events.length - 1; i >= 0; i--) {
    const e = events[i]!;
    if ((e.type === 'VGTID' || e.type === VEventType.VGTID) && e.vgtid) return e.vgtid as DecodedMessage;
  }
  return undefined;
}
