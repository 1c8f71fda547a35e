/**
 * The prototext of binlogdata.BinlogSource, as workflows store it in `_vt.vreplication.source`
 * (`keyspace:"commerce" shard:"0" filter:{rules:{match:"customer" filter:"select * from customer"}}`).
 */
import { Code, FieldEventMode, TabletType, VtError, type BinlogSource, type Filter, type KeyRange, type Rule } from '@vtsim/proto';
import {
  parsePrototext,
  quoteBytes,
  quoteString,
  textBool,
  textBytes,
  textEnum,
  textMessage,
  textString,
  type TextField,
} from '../prototext.js';

/** binlogdata.OnDDLAction: what a stream does with a DDL from its source. */
export enum OnDDLAction {
  IGNORE = 0,
  STOP = 1,
  EXEC = 2,
  EXEC_IGNORE = 3,
}

const ON_DDL_NAMES: Readonly<Record<string, number>> = { IGNORE: 0, STOP: 1, EXEC: 2, EXEC_IGNORE: 3 };
const TABLET_TYPE_NAMES: Readonly<Record<string, number>> = {
  UNKNOWN: 0, PRIMARY: 1, MASTER: 1, REPLICA: 2, RDONLY: 3, BATCH: 3, SPARE: 4, EXPERIMENTAL: 5, BACKUP: 6, RESTORE: 7, DRAINED: 8,
};
const FIELD_EVENT_MODE_NAMES: Readonly<Record<string, number>> = { ERR_ON_MISMATCH: 0, BEST_EFFORT: 1 };
const WORKFLOW_TYPE_NAMES: Readonly<Record<string, number>> = {
  Materialize: 0, MoveTables: 1, CreateLookupIndex: 2, Migrate: 3, Reshard: 4, OnlineDDL: 5,
};
const WHAT = 'binlogdata.BinlogSource';

/**
 * Formats a BinlogSource as compact prototext in field-number order, leaving out fields that hold
 * their zero value, as protobuf's text marshaller does; key-range bounds are bytes (`"\x80"`).
 * The output round-trips through {@link parseBinlogSource}.
 */
export function formatBinlogSource(s: BinlogSource): string {
  const parts: string[] = [];
  if (s.keyspace) parts.push(`keyspace:${quoteString(s.keyspace)}`);
  if (s.shard) parts.push(`shard:${quoteString(s.shard)}`);
  if (s.tablet_type) parts.push(`tablet_type:${TabletType[s.tablet_type] ?? s.tablet_type}`);
  if (s.key_range) {
    const kr: string[] = [];
    if (s.key_range.start.length) kr.push(`start:${quoteBytes(s.key_range.start)}`);
    if (s.key_range.end.length) kr.push(`end:${quoteBytes(s.key_range.end)}`);
    parts.push(`key_range:{${kr.join(' ')}}`);
  }
  for (const t of s.tables) parts.push(`tables:${quoteString(t)}`);
  if (s.filter) parts.push(`filter:{${formatFilter(s.filter)}}`);
  if (s.on_ddl) parts.push(`on_ddl:${OnDDLAction[s.on_ddl] ?? s.on_ddl}`);
  if (s.stop_after_copy) parts.push('stop_after_copy:true');
  return parts.join(' ');
}

function formatFilter(f: Filter): string {
  const parts: string[] = [];
  for (const r of f.rules) {
    const rule: string[] = [];
    if (r.match) rule.push(`match:${quoteString(r.match)}`);
    if (r.filter) rule.push(`filter:${quoteString(r.filter)}`);
    parts.push(`rules:{${rule.join(' ')}}`);
  }
  if (f.field_event_mode) parts.push(`field_event_mode:${FieldEventMode[f.field_event_mode] ?? f.field_event_mode}`);
  if (f.workflow_type) {
    const name = Object.keys(WORKFLOW_TYPE_NAMES).find((k) => WORKFLOW_TYPE_NAMES[k] === f.workflow_type);
    parts.push(`workflow_type:${name ?? f.workflow_type}`);
  }
  if (f.workflow_name) parts.push(`workflow_name:${quoteString(f.workflow_name)}`);
  return parts.join(' ');
}

/**
 * Parses the prototext of a binlogdata.BinlogSource, tolerant of whitespace, separators, `{…}` or
 * `<…>` around messages, and enums by name or number. Fields of Vitess's BinlogSource that vtsim
 * does not model (external_mysql, external_cluster, time zones) are accepted only when empty.
 * Throws VtError INVALID_ARGUMENT for bad text or an unknown field.
 */
export function parseBinlogSource(text: string): BinlogSource {
  const s: BinlogSource = {
    keyspace: '',
    shard: '',
    tablet_type: TabletType.UNKNOWN,
    key_range: null,
    tables: [],
    filter: null,
    on_ddl: OnDDLAction.IGNORE,
    stop_after_copy: false,
  };
  for (const f of parsePrototext(text, WHAT)) {
    switch (f.name) {
      case 'keyspace':
        s.keyspace = textString(f, WHAT);
        break;
      case 'shard':
        s.shard = textString(f, WHAT);
        break;
      case 'tablet_type':
        s.tablet_type = textEnum(f, WHAT, 'topodata.TabletType', TABLET_TYPE_NAMES);
        break;
      case 'key_range':
        s.key_range = parseKeyRange(textMessage(f, WHAT));
        break;
      case 'tables':
        s.tables.push(textString(f, WHAT));
        break;
      case 'filter':
        s.filter = parseFilter(textMessage(f, WHAT));
        break;
      case 'on_ddl':
        s.on_ddl = textEnum(f, WHAT, 'binlogdata.OnDDLAction', ON_DDL_NAMES);
        break;
      case 'stop_after_copy':
        s.stop_after_copy = textBool(f, WHAT);
        break;
      case 'external_mysql':
      case 'external_cluster':
      case 'source_time_zone':
      case 'target_time_zone':
        if (textString(f, WHAT) !== '') throw unsupported(`${WHAT}.${f.name}`);
        break;
      default:
        throw unknownField(`${WHAT}.${f.name}`);
    }
  }
  return s;
}

function parseKeyRange(fields: TextField[]): KeyRange {
  const kr: KeyRange = { start: new Uint8Array(0), end: new Uint8Array(0) };
  for (const f of fields) {
    if (f.name === 'start') kr.start = textBytes(f, WHAT);
    else if (f.name === 'end') kr.end = textBytes(f, WHAT);
    else throw unknownField(`topodata.KeyRange.${f.name}`);
  }
  return kr;
}

function parseFilter(fields: TextField[]): Filter {
  const filter: Filter = { rules: [] };
  for (const f of fields) {
    switch (f.name) {
      case 'rules':
        filter.rules.push(parseRule(textMessage(f, WHAT)));
        break;
      case 'field_event_mode':
        filter.field_event_mode = textEnum(f, WHAT, 'binlogdata.Filter.FieldEventMode', FIELD_EVENT_MODE_NAMES);
        break;
      case 'workflow_type':
        filter.workflow_type = textEnum(f, WHAT, 'binlogdata.VReplicationWorkflowType', WORKFLOW_TYPE_NAMES);
        break;
      case 'workflow_name':
        filter.workflow_name = textString(f, WHAT);
        break;
      default:
        throw unknownField(`binlogdata.Filter.${f.name}`);
    }
  }
  return filter;
}

function parseRule(fields: TextField[]): Rule {
  const rule: Rule = { match: '', filter: '' };
  for (const f of fields) {
    if (f.name === 'match') rule.match = textString(f, WHAT);
    else if (f.name === 'filter') rule.filter = textString(f, WHAT);
    else throw unknownField(`binlogdata.Rule.${f.name}`);
  }
  return rule;
}

function unknownField(name: string): VtError {
  return new VtError(Code.INVALID_ARGUMENT, `${WHAT}: unknown field ${name}`);
}

function unsupported(name: string): VtError {
  return new VtError(Code.UNIMPLEMENTED, `${WHAT}: ${name} is not supported by vtsim`);
}
