/**
 * Protobuf JSON (as Go's protojson writes it with proto field names) for VStream messages: 64-bit
 * integers as strings, bytes as base64, enums by name, default values left out. The reader accepts
 * what the writer writes, and also the lowerCamelCase JSON names and Go's field names
 * (`ShardGtids`, `TablePKs`), so a VGTID saved by any Vitess client can be given back.
 */
import { is64Bit, type DecodedMessage, type ProtoField, type ProtoSchema } from '@vtsim/vtgate';

/** A message as a protojson value (plain JSON data). */
export function toProtoJson(schema: ProtoSchema, typeName: string, message: DecodedMessage): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const f of schema.message(typeName).fields) {
    const v = message[f.name];
    if (v === undefined || v === null) continue;
    if (f.map) {
      const entries = Object.entries(v as Record<string, unknown>);
      if (entries.length === 0) continue;
      const obj: Record<string, unknown> = {};
      for (const [k, item] of entries) obj[k] = jsonValue(schema, f.map.value, item);
      out[f.name] = obj;
    } else if (f.repeated) {
      const items = v as unknown[];
      if (items.length > 0) out[f.name] = items.map((item) => jsonValue(schema, f, item));
    } else if (f.kind === 'message' || !schema.isDefault(f, v)) {
      out[f.name] = jsonValue(schema, f, v);
    }
  }
  return out;
}

/** One VStreamResponse as one JSON line (without the newline). */
export function formatVStreamResponseJson(schema: ProtoSchema, response: DecodedMessage): string {
  return JSON.stringify(toProtoJson(schema, 'vtgate.VStreamResponse', response));
}

/**
 * Reads a protojson value into a message object ready to send (proto field names, 64-bit integers
 * as strings, bytes as Buffers, enums as given). Throws an Error naming the path of the first
 * unknown field or ill-typed value.
 */
export function fromProtoJson(schema: ProtoSchema, typeName: string, json: unknown, path = typeName): DecodedMessage {
  if (json === null || typeof json !== 'object' || Array.isArray(json)) throw new Error(`${path}: expected a JSON object`);
  const fields = schema.message(typeName).fields;
  const out: DecodedMessage = {};
  for (const [key, v] of Object.entries(json)) {
    const f = findField(fields, key);
    if (!f) throw new Error(`${path}: unknown field "${key}"`);
    if (v === null) continue;
    const at = `${path}.${f.name}`;
    if (f.map) {
      if (typeof v !== 'object' || Array.isArray(v)) throw new Error(`${at}: expected a JSON object`);
      const obj: Record<string, unknown> = {};
      for (const [k, item] of Object.entries(v as object)) obj[k] = readValue(schema, f.map.value, item, `${at}.${k}`);
      out[f.name] = obj;
    } else if (f.repeated) {
      if (!Array.isArray(v)) throw new Error(`${at}: expected a JSON array`);
      out[f.name] = v.map((item, i) => readValue(schema, f, item, `${at}[${i}]`));
    } else {
      out[f.name] = readValue(schema, f, v, at);
    }
  }
  return out;
}

function findField(fields: readonly ProtoField[], key: string): ProtoField | undefined {
  const loose = key.replace(/_/g, '').toLowerCase();
  return fields.find((f) => f.name === key) ?? fields.find((f) => f.name.replace(/_/g, '').toLowerCase() === loose);
}

function jsonValue(schema: ProtoSchema, f: ProtoField, v: unknown): unknown {
  switch (f.kind) {
    case 'message':
      return toProtoJson(schema, f.typeName, v as DecodedMessage);
    case 'bytes':
      return Buffer.from(v as Uint8Array).toString('base64');
    case 'enum': {
      const n = schema.enumNumber(f.typeName, v);
      return n === undefined ? v : (schema.enum(f.typeName).nameOf.get(n) ?? n);
    }
    case 'double':
    case 'float': {
      const n = Number(v);
      return Number.isFinite(n) ? n : String(n);
    }
    default:
      return is64Bit(f.kind) ? String(v) : v;
  }
}

function readValue(schema: ProtoSchema, f: ProtoField, v: unknown, at: string): unknown {
  switch (f.kind) {
    case 'message':
      return fromProtoJson(schema, f.typeName, v, at);
    case 'string':
      if (typeof v !== 'string') throw new Error(`${at}: expected a string`);
      return v;
    case 'bytes':
      if (typeof v !== 'string' || !/^[A-Za-z0-9+/_-]*={0,2}$/.test(v)) throw new Error(`${at}: expected base64 bytes`);
      return Buffer.from(v, 'base64');
    case 'bool':
      if (typeof v !== 'boolean') throw new Error(`${at}: expected true or false`);
      return v;
    case 'enum':
      if (typeof v === 'number' || (typeof v === 'string' && schema.enum(f.typeName).numberOf.has(v))) return v;
      throw new Error(`${at}: ${JSON.stringify(v)} is not a ${f.typeName} value`);
    case 'double':
    case 'float':
      if (typeof v === 'number' || (typeof v === 'string' && v.trim() !== '' && !Number.isNaN(Number(v)))) return Number(v);
      throw new Error(`${at}: expected a number`);
    default: {
      const text = typeof v === 'number' && Number.isInteger(v) ? String(v) : typeof v === 'string' ? v : '';
      if (!/^-?\d+$/.test(text)) throw new Error(`${at}: expected an integer`);
      return is64Bit(f.kind) ? text : Number(text);
    }
  }
}
