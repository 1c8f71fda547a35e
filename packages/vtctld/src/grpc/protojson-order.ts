/**
 * Orders a decoded message's fields the way Go's protojson prints them: fields in declaration
 * order, map entries sorted by key, unset proto3 `optional` fields and proto-loader's virtual
 * oneof properties left out. proto-loader decodes maps before other fields, so without this
 * JSON.stringify would print keys in a different order than Vitess's vtctldclient.
 */
import type { PackageDefinition } from '@grpc/proto-loader';

interface FieldDescriptor {
  name: string;
  type: string;
  typeName: string;
  label: string;
}

interface MessageDescriptor {
  name: string;
  field: FieldDescriptor[];
  nestedType: MessageDescriptor[];
  options?: { mapEntry?: boolean } | null;
}

/** The fully qualified name `name` refers to from within `scope` (protobuf's scoping rules). */
function resolve(defs: PackageDefinition, scope: string, name: string): string {
  if (name.startsWith('.')) return name.slice(1);
  const parts = scope.split('.');
  while (parts.length > 0) {
    const candidate = `${parts.join('.')}.${name}`;
    if (defs[candidate]) return candidate;
    parts.pop();
  }
  return name;
}

function descriptorOf(defs: PackageDefinition, fullName: string): MessageDescriptor | undefined {
  const def = defs[fullName] as { type?: MessageDescriptor } | undefined;
  return def?.type;
}

/**
 * Returns `value` (a message of type `fullName`, decoded by proto-loader) rebuilt with protojson's
 * field order; values that are not objects, and unknown types, come back unchanged.
 */
export function protojsonOrder(defs: PackageDefinition, fullName: string, value: unknown): unknown {
  const desc = descriptorOf(defs, fullName);
  if (!desc || value === null || typeof value !== 'object') return value;
  const src = value as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const f of desc.field) {
    let v = src[f.name];
    if (v === undefined) continue;
    if (f.type === 'TYPE_MESSAGE' && v !== null) {
      const entry = desc.nestedType.find((n) => n.name === f.typeName && n.options?.mapEntry);
      if (entry) {
        const valueField = entry.field.find((x) => x.name === 'value')!;
        const valueType = valueField.type === 'TYPE_MESSAGE' ? resolve(defs, `${fullName}.${entry.name}`, valueField.typeName) : '';
        const map = v as Record<string, unknown>;
        const sorted: Record<string, unknown> = {};
        for (const key of Object.keys(map).sort()) sorted[key] = valueType ? protojsonOrder(defs, valueType, map[key]) : map[key];
        v = sorted;
      } else {
        const type = resolve(defs, fullName, f.typeName);
        v = Array.isArray(v) ? v.map((item) => protojsonOrder(defs, type, item)) : protojsonOrder(defs, type, v);
      }
    }
    out[f.name] = v;
  }
  return out;
}

/** The fully qualified response type of a `vtctlservice.Vtctld` RPC (all live in package vtctldata). */
export function responseTypeOf(defs: PackageDefinition, rpc: string): string | undefined {
  const service = defs['vtctlservice.Vtctld'] as Record<string, { responseType: { type: MessageDescriptor } }> | undefined;
  const method = service?.[rpc];
  return method ? resolve(defs, 'vtctldata', method.responseType.type.name) : undefined;
}
