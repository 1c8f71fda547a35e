/**
 * Wire rows (query.Row) back into vtsim's in-memory values, so VReplication can bind them into the
 * statements it runs on the target.
 */
import { Type, bitValue, isBinary, isFloat, isIntegral, type RowWire, type SqlValue } from '@vtsim/proto';

/** How one column's wire bytes become a value. */
const enum Kind {
  Integer,
  Bit,
  Float,
  Bytes,
  Text,
}

/** Decodes rows of one field list; build one per FIELD event and reuse it for every row. */
export class RowDecoder {
  private readonly kinds: Kind[];

  constructor(types: readonly Type[]) {
    this.kinds = types.map(kindOf);
  }

  /** The values of one row, in field order (null for NULL); throws Error if the row has a different width. */
  decode(row: RowWire): SqlValue[] {
    const kinds = this.kinds;
    const lengths = row.lengths;
    if (lengths.length !== kinds.length) throw new Error(`row has ${lengths.length} values, want ${kinds.length}`);
    const bytes = row.values;
    const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const out = new Array<SqlValue>(kinds.length);
    let offset = 0;
    for (let i = 0; i < kinds.length; i++) {
      const n = Number(lengths[i]);
      if (n < 0) {
        out[i] = null;
        continue;
      }
      const end = offset + n;
      switch (kinds[i]!) {
        case Kind.Integer:
          out[i] = BigInt(buf.toString('latin1', offset, end));
          break;
        case Kind.Bit:
          out[i] = bitValue(buf.subarray(offset, end));
          break;
        case Kind.Float:
          // Both MySQL's text (`1.5`, `1e100`) and Go's %E (`1.5E+00`) read as numbers.
          out[i] = Number(buf.toString('latin1', offset, end));
          break;
        case Kind.Bytes:
          out[i] = buf.subarray(offset, end);
          break;
        default:
          out[i] = buf.toString('utf8', offset, end);
      }
      offset = end;
    }
    return out;
  }
}

function kindOf(type: Type): Kind {
  if (type === Type.BIT) return Kind.Bit;
  if (isIntegral(type)) return Kind.Integer;
  if (isFloat(type)) return Kind.Float;
  if (isBinary(type) || type === Type.GEOMETRY) return Kind.Bytes;
  return Kind.Text;
}
