/**
 * PrimitiveDescription: a plan as `VEXPLAIN PLAN` shows it (Vitess's engine.PrimitiveDescription,
 * marshalled to JSON): each primitive's OperatorType and Variant, its keyspace and query, and its
 * inputs.
 */
import type { ValueSource } from './value-source.js';

/** One primitive of a described plan, with Vitess's field names. */
export interface PrimitiveDescription {
  OperatorType: string;
  Variant?: string;
  Keyspace?: { Name: string; Sharded: boolean };
  TargetTabletType?: string;
  Query?: string;
  Table?: string;
  Vindex?: string;
  Values?: string[];
  InputName?: string;
  Inputs?: PrimitiveDescription[];
  [field: string]: unknown;
}

/** A routing value as Vitess prints it (`:name` for a bind variable, the literal's text, else the expression). */
export function describeValue(v: ValueSource): string {
  switch (v.kind) {
    case 'bind':
      return `:${v.name}`;
    case 'literal':
      return v.value === null ? 'null' : typeof v.value === 'string' ? `'${v.value}'` : v.value instanceof Uint8Array ? `0x${Buffer.from(v.value).toString('hex')}` : String(v.value);
    case 'expr':
      return 'expression';
  }
}
