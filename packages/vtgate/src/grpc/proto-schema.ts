/**
 * ProtoSchema: the messages and enums of the loaded `.proto` files as plain data (field names,
 * numbers, kinds, declared order, map entries), resolved from proto-loader's descriptors so that
 * text and JSON renderers can walk any message generically.
 */
import type { PackageDefinition } from '@grpc/proto-loader';

/** A field's scalar kind, or `message` / `enum` (then {@link ProtoField.typeName} names the type). */
export type FieldKind =
  | 'double' | 'float' | 'int64' | 'uint64' | 'int32' | 'fixed64' | 'fixed32' | 'bool' | 'string'
  | 'bytes' | 'uint32' | 'sfixed32' | 'sfixed64' | 'sint32' | 'sint64' | 'message' | 'enum';

/** One field of a message. */
export interface ProtoField {
  readonly name: string;
  readonly number: number;
  readonly kind: FieldKind;
  readonly repeated: boolean;
  /** Fully qualified type name (`binlogdata.RowEvent`) for messages and enums; '' otherwise. */
  readonly typeName: string;
  /** For `map<K, V>` fields: the entry's key and value fields. */
  readonly map?: { readonly key: ProtoField; readonly value: ProtoField };
}

/** One message: its fields in declaration order. */
export interface ProtoMessage {
  readonly fullName: string;
  readonly fields: readonly ProtoField[];
}

/** One enum: the first name declared for each number (aliases resolve to it), and every name's number. */
export interface ProtoEnum {
  readonly fullName: string;
  readonly nameOf: ReadonlyMap<number, string>;
  readonly numberOf: ReadonlyMap<string, number>;
}

const INT64_KINDS: ReadonlySet<FieldKind> = new Set(['int64', 'uint64', 'fixed64', 'sfixed64', 'sint64']);

/** True for kinds whose values are 64-bit (decoded as decimal strings). */
export function is64Bit(kind: FieldKind): boolean {
  return INT64_KINDS.has(kind);
}

interface DescriptorField {
  name: string;
  number: number;
  label: string;
  type: string;
  typeName: string;
}

interface DescriptorMessage {
  name: string;
  field: DescriptorField[];
  nestedType: DescriptorMessage[];
  enumType: DescriptorEnum[];
  options: { mapEntry?: boolean } | null;
}

interface DescriptorEnum {
  name: string;
  value: Array<{ name: string; number: number }>;
}

/** The reflection view of a set of loaded `.proto` files. */
export class ProtoSchema {
  private constructor(
    private readonly messages: ReadonlyMap<string, ProtoMessage>,
    private readonly enums: ReadonlyMap<string, ProtoEnum>,
  ) {}

  /** Builds the schema from a proto-loader package definition. Throws if a type name does not resolve. */
  static fromPackageDefinition(def: PackageDefinition): ProtoSchema {
    const rawMessages = new Map<string, DescriptorMessage>();
    const rawEnums = new Map<string, DescriptorEnum>();
    const addMessage = (fullName: string, d: DescriptorMessage): void => {
      rawMessages.set(fullName, d);
      for (const n of d.nestedType) addMessage(`${fullName}.${n.name}`, n);
      for (const e of d.enumType) rawEnums.set(`${fullName}.${e.name}`, e);
    };
    for (const [name, entry] of Object.entries(def)) {
      const { format, type } = entry as { format?: unknown; type?: unknown };
      if (format === 'Protocol Buffer 3 EnumDescriptorProto') rawEnums.set(name, type as DescriptorEnum);
      else if (format === 'Protocol Buffer 3 DescriptorProto') addMessage(name, type as DescriptorMessage);
    }
    const resolve = (scope: string, typeName: string): string => {
      if (typeName.startsWith('.')) return typeName.slice(1);
      for (let s = scope; ; s = s.slice(0, Math.max(0, s.lastIndexOf('.')))) {
        const candidate = s ? `${s}.${typeName}` : typeName;
        if (rawMessages.has(candidate) || rawEnums.has(candidate)) return candidate;
        if (!s) throw new Error(`proto type ${typeName} (used in ${scope}) is not defined`);
      }
    };
    const toField = (scope: string, f: DescriptorField): ProtoField => {
      const kind = f.type.replace(/^TYPE_/, '').toLowerCase() as FieldKind;
      const typeName = kind === 'message' || kind === 'enum' ? resolve(scope, f.typeName) : '';
      const entry = kind === 'message' ? rawMessages.get(typeName) : undefined;
      const base = { name: f.name, number: f.number, kind, repeated: f.label === 'LABEL_REPEATED', typeName };
      if (!entry?.options?.mapEntry) return base;
      const [key, value] = entry.field.map((ef) => toField(typeName, ef));
      return { ...base, map: { key: key!, value: value! } };
    };
    const messages = new Map<string, ProtoMessage>();
    for (const [fullName, d] of rawMessages) {
      messages.set(fullName, { fullName, fields: d.field.map((f) => toField(fullName, f)) });
    }
    const enums = new Map<string, ProtoEnum>();
    for (const [fullName, d] of rawEnums) {
      const nameOf = new Map<number, string>();
      const numberOf = new Map<string, number>();
      for (const v of d.value) {
        if (!nameOf.has(v.number)) nameOf.set(v.number, v.name);
        numberOf.set(v.name, v.number);
      }
      enums.set(fullName, { fullName, nameOf, numberOf });
    }
    return new ProtoSchema(messages, enums);
  }

  /** The message with this fully qualified name; throws if there is none. */
  message(fullName: string): ProtoMessage {
    const m = this.messages.get(fullName);
    if (!m) throw new Error(`unknown proto message ${fullName}`);
    return m;
  }

  /** The enum with this fully qualified name; throws if there is none. */
  enum(fullName: string): ProtoEnum {
    const e = this.enums.get(fullName);
    if (!e) throw new Error(`unknown proto enum ${fullName}`);
    return e;
  }

  /** True when a singular value is its proto3 default (proto3 leaves it off the wire); a message never is. */
  isDefault(field: ProtoField, value: unknown): boolean {
    switch (field.kind) {
      case 'message':
        return false;
      case 'string':
        return value === '';
      case 'bytes':
        return (value as Uint8Array).length === 0;
      case 'bool':
        return value === false;
      case 'enum':
        return this.enumNumber(field.typeName, value) === 0;
      default:
        return Number(value) === 0 && !Object.is(Number(value), -0);
    }
  }

  /** An enum value's number, whether it was decoded as a name or a number (undefined for an unknown name). */
  enumNumber(fullName: string, value: unknown): number | undefined {
    if (typeof value === 'number') return value;
    return this.enum(fullName).numberOf.get(String(value));
  }
}
