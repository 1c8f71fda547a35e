/**
 * The protobuf text form ("prototext") of binlogdata.Journal, as SwitchTraffic stores it in
 * `<sidecar>.resharding_journal.val` and the vstreamer reads it back. Only the Journal message and
 * the messages it contains (ShardGtid, KeyspaceShard) are understood.
 */
import { Code, MigrationType, VtError, type Journal, type KeyspaceShard, type ShardGtid } from '@vtsim/proto';
import { parsePrototext, textEnum, textInt64, textMessage, textString, type TextField } from '../prototext.js';

const MIGRATION_TYPE_NAMES: Readonly<Record<string, number>> = { TABLES: MigrationType.TABLES, SHARDS: MigrationType.SHARDS };
const WHAT = 'binlogdata.Journal';

/**
 * Formats a journal as compact prototext (`id:1 migration_type:SHARDS tables:"t" shard_gtids:{…}`),
 * leaving out fields that hold their zero value, as protobuf's text marshaller does. The output
 * round-trips through {@link parseJournal}.
 */
export function formatJournal(j: Journal): string {
  const parts: string[] = [];
  if (j.id !== '' && j.id !== '0') parts.push(`id:${j.id}`);
  if (j.migration_type !== MigrationType.TABLES) parts.push(`migration_type:${MigrationType[j.migration_type]}`);
  for (const t of j.tables) parts.push(`tables:${quote(t)}`);
  if (j.local_position) parts.push(`local_position:${quote(j.local_position)}`);
  for (const sg of j.shard_gtids) {
    const inner: string[] = [];
    if (sg.keyspace) inner.push(`keyspace:${quote(sg.keyspace)}`);
    if (sg.shard) inner.push(`shard:${quote(sg.shard)}`);
    if (sg.gtid) inner.push(`gtid:${quote(sg.gtid)}`);
    parts.push(`shard_gtids:{${inner.join(' ')}}`);
  }
  for (const p of j.participants) {
    const inner: string[] = [];
    if (p.keyspace) inner.push(`keyspace:${quote(p.keyspace)}`);
    if (p.shard) inner.push(`shard:${quote(p.shard)}`);
    parts.push(`participants:{${inner.join(' ')}}`);
  }
  for (const w of j.source_workflows) parts.push(`source_workflows:${quote(w)}`);
  return parts.join(' ');
}

/**
 * Parses the prototext of a binlogdata.Journal. Accepts what protobuf's text parsers accept for
 * these messages (see {@link parsePrototext}), with enum names or numbers. Throws VtError
 * INVALID_ARGUMENT naming the problem for anything else, including unknown fields.
 */
export function parseJournal(text: string): Journal {
  const journal: Journal = {
    id: '0',
    migration_type: MigrationType.TABLES,
    tables: [],
    local_position: '',
    shard_gtids: [],
    participants: [],
    source_workflows: [],
  };
  for (const f of parsePrototext(text, WHAT)) {
    switch (f.name) {
      case 'id':
        journal.id = textInt64(f, WHAT);
        break;
      case 'migration_type':
        journal.migration_type = textEnum(f, WHAT, 'binlogdata.MigrationType', MIGRATION_TYPE_NAMES);
        break;
      case 'tables':
        journal.tables.push(textString(f, WHAT));
        break;
      case 'local_position':
        journal.local_position = textString(f, WHAT);
        break;
      case 'shard_gtids':
        journal.shard_gtids.push(parseShardGtid(textMessage(f, WHAT)));
        break;
      case 'participants':
        journal.participants.push(parseKeyspaceShard(textMessage(f, WHAT)));
        break;
      case 'source_workflows':
        journal.source_workflows.push(textString(f, WHAT));
        break;
      default:
        throw unknownField('binlogdata.Journal', f.name);
    }
  }
  return journal;
}

function parseShardGtid(fields: TextField[]): ShardGtid {
  const sg: ShardGtid = { keyspace: '', shard: '', gtid: '', table_p_ks: [] };
  for (const f of fields) {
    if (f.name === 'keyspace') sg.keyspace = textString(f, WHAT);
    else if (f.name === 'shard') sg.shard = textString(f, WHAT);
    else if (f.name === 'gtid') sg.gtid = textString(f, WHAT);
    else throw unknownField('binlogdata.ShardGtid', f.name);
  }
  return sg;
}

function parseKeyspaceShard(fields: TextField[]): KeyspaceShard {
  const ks: KeyspaceShard = { keyspace: '', shard: '' };
  for (const f of fields) {
    if (f.name === 'keyspace') ks.keyspace = textString(f, WHAT);
    else if (f.name === 'shard') ks.shard = textString(f, WHAT);
    else throw unknownField('binlogdata.KeyspaceShard', f.name);
  }
  return ks;
}

function unknownField(message: string, name: string): VtError {
  return new VtError(Code.INVALID_ARGUMENT, `${WHAT}: unknown field ${message}.${name}`);
}

/** Quotes a string as a prototext literal: quotes, backslashes and control characters escaped, other text as is. */
function quote(s: string): string {
  let out = '"';
  for (const c of s) {
    const code = c.codePointAt(0)!;
    if (c === '"') out += '\\"';
    else if (c === '\\') out += '\\\\';
    else if (c === '\n') out += '\\n';
    else if (c === '\r') out += '\\r';
    else if (c === '\t') out += '\\t';
    else if (code < 0x20 || code === 0x7f) out += `\\${code.toString(8).padStart(3, '0')}`;
    else out += c;
  }
  return out + '"';
}
