/**
 * How VStream failures are worded: Vitess wraps an error with context at each layer
 * (`vterrors.Wrap`: `<context>: <cause>`, keeping the cause's code) and prints proto messages in
 * its errors in compact text form (`keyspace:"ks" shard:"-80" gtid:"current"`).
 */
import { Code, Type, VtError, errorCode, type QueryResultWire, type ShardGtid, type VGtid } from '@vtsim/proto';

/** Wraps a failure with context: a VtError with the cause's vtrpc code (UNKNOWN for non-VtErrors) and message `<context>: <cause>`. */
export function wrapVtError(err: unknown, context: string): VtError {
  return new VtError(errorCode(err), `${context}: ${err instanceof Error ? err.message : String(err)}`);
}

/** The error a stream ends with when its signal aborts underneath it (CANCELED `context canceled`). */
export function canceledError(): VtError {
  return new VtError(Code.CANCELED, 'context canceled');
}

/** A ShardGtid in compact proto text form, fields at their default omitted. */
export function shardGtidText(s: ShardGtid): string {
  const parts: string[] = [];
  if (s.keyspace) parts.push(`keyspace:${quote(s.keyspace)}`);
  if (s.shard) parts.push(`shard:${quote(s.shard)}`);
  if (s.gtid) parts.push(`gtid:${quote(s.gtid)}`);
  for (const pk of s.table_p_ks ?? []) {
    const inner = [`table_name:${quote(pk.table_name)}`];
    if (pk.lastpk) inner.push(`lastpk:{${queryResultText(pk.lastpk)}}`);
    parts.push(`table_p_ks:{${inner.join(' ')}}`);
  }
  return parts.join(' ');
}

/** A VGtid in compact proto text form. */
export function vgtidText(v: VGtid): string {
  return v.shard_gtids.map((s) => `shard_gtids:{${shardGtidText(s)}}`).join(' ');
}

function queryResultText(r: QueryResultWire): string {
  const parts: string[] = [];
  for (const f of r.fields ?? []) parts.push(`fields:{name:${quote(f.name)} type:${Type[f.type] ?? f.type}}`);
  for (const row of r.rows ?? []) {
    const lengths = row.lengths.map((l) => `lengths:${l}`).join(' ');
    parts.push(`rows:{${lengths} values:${quote(Buffer.from(row.values).toString('latin1'))}}`);
  }
  return parts.join(' ');
}

function quote(s: string): string {
  return JSON.stringify(s);
}
