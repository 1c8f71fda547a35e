/**
 * query.ExecuteOptions.included_fields as a gRPC client sees it. In Vitess the tablets strip a
 * result's fields to the session's setting (TYPE_AND_NAME when the session has no options) while
 * their values are already MySQL's text, and fields that vtgate builds itself (SHOW VITESS_*,
 * expressions it evaluates) go out whole. vtsim renders values from the field metadata only at
 * the edge (ZEROFILL padding, FLOAT(m,d) decimals, BIT widths), so vtgate asks its tablets for ALL
 * and strips here instead, after the rows are encoded: fields that came from a tablet are marked
 * when they arrive, and only marked fields are stripped.
 */
import { IncludedFields, stripFieldMetadata, type Field } from '@vtsim/proto';

const fromTablets = new WeakSet<Field>();

/** Marks a tablet result's fields as the tablet's own (the ones a client's options strip). */
export function markTabletFields(fields: readonly Field[]): void {
  for (const f of fields) fromTablets.add(f);
}

/** The fields as a client with `included` receives them: tablet fields stripped to it, vtgate's own whole. */
export function fieldsForClient(fields: readonly Field[], included: IncludedFields): Field[] {
  if (included === IncludedFields.ALL) return fields as Field[];
  return fields.map((f) => (fromTablets.has(f) ? stripFieldMetadata([f], included)[0]! : f));
}
