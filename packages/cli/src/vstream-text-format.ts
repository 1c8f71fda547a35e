/**
 * The text form Vitess's Go VStream clients print (`fmt.Printf("%v\n", events)` on a
 * `[]*binlogdatapb.VEvent`): the old compact protobuf text format. Each set field is
 * `name:value` followed by one space, nested messages are `<…>`, strings and bytes are C-escaped in
 * double quotes, enums print by name, proto3 defaults are left out, and a response's events are
 * joined by one space inside `[` `]`:
 * `[type:BEGIN  type:FIELD field_event:<table_name:"customer.customer" fields:<name:"customer_id" type:INT64 … > > ]`.
 */
import type { DecodedMessage, ProtoField, ProtoSchema } from '@vtsim/vtgate';

/** One VStreamResponse as one line (without the newline). */
export function formatVStreamResponseText(schema: ProtoSchema, response: DecodedMessage): string {
  const events = (response.events ?? []) as DecodedMessage[];
  return `[${events.map((e) => compactText(schema, 'binlogdata.VEvent', e)).join(' ')}]`;
}

/** A message's fields in compact text form, each followed by one space (`type:BEGIN `); '' when all are defaults. */
export function compactText(schema: ProtoSchema, typeName: string, message: DecodedMessage): string {
  let out = '';
  for (const f of schema.message(typeName).fields) {
    const v = message[f.name];
    if (v === undefined || v === null) continue;
    if (f.map) {
      for (const key of Object.keys(v as object).sort()) {
        const entry = `${f.map.key.name}:${scalarText(schema, f.map.key, key)} ${valueEntry(schema, f.map.value, (v as Record<string, unknown>)[key])}`;
        out += `${f.name}:<${entry}> `;
      }
    } else if (f.repeated) {
      for (const item of v as unknown[]) out += `${f.name}:${valueText(schema, f, item)} `;
    } else if (!schema.isDefault(f, v)) {
      out += `${f.name}:${valueText(schema, f, v)} `;
    }
  }
  return out;
}

function valueEntry(schema: ProtoSchema, f: ProtoField, v: unknown): string {
  if (v === undefined || v === null) return '';
  return `${f.name}:${valueText(schema, f, v)} `;
}

function valueText(schema: ProtoSchema, f: ProtoField, v: unknown): string {
  return f.kind === 'message' ? `<${compactText(schema, f.typeName, v as DecodedMessage)}>` : scalarText(schema, f, v);
}

function scalarText(schema: ProtoSchema, f: ProtoField, v: unknown): string {
  switch (f.kind) {
    case 'string':
      return quote(Buffer.from(String(v), 'utf8'));
    case 'bytes':
      return quote(v as Uint8Array);
    case 'enum': {
      const n = schema.enumNumber(f.typeName, v);
      return n === undefined ? String(v) : (schema.enum(f.typeName).nameOf.get(n) ?? String(n));
    }
    case 'double':
    case 'float':
      return floatText(Number(v));
    default:
      return String(v);
  }
}

function floatText(n: number): string {
  if (Number.isNaN(n)) return 'nan';
  if (n === Infinity) return 'inf';
  if (n === -Infinity) return '-inf';
  return String(n);
}

/** Quotes bytes as Go's text format does: printable ASCII as is, `\n \r \t \" \\` escaped, every other byte as a 3-digit octal escape. */
function quote(bytes: Uint8Array): string {
  let out = '"';
  for (const c of bytes) {
    if (c === 0x0a) out += '\\n';
    else if (c === 0x0d) out += '\\r';
    else if (c === 0x09) out += '\\t';
    else if (c === 0x22) out += '\\"';
    else if (c === 0x5c) out += '\\\\';
    else if (c >= 0x20 && c < 0x7f) out += String.fromCharCode(c);
    else out += `\\${c.toString(8).padStart(3, '0')}`;
  }
  return `${out}"`;
}
