/** The prototext form of binlogdata.Journal stored in `_vt.resharding_journal.val`. */
import { Code, MigrationType, VtError, type Journal } from '@vtsim/proto';
import { describe, expect, it } from 'vitest';
import { formatJournal, parseJournal } from '../src/vstreamer/index.js';

const journal: Journal = {
  id: '8372031310398214011',
  migration_type: MigrationType.SHARDS,
  tables: ['customer', 'corder'],
  local_position: 'MySQL56/060a409d-8e10-11eb-9bb5-04ed332e05c2:1-49',
  shard_gtids: [
    { keyspace: 'customer', shard: '80-', gtid: 'MySQL56/6a60d315-8e10-11eb-b894-04ed332e05c2:1-76', table_p_ks: [] },
    { keyspace: 'customer', shard: '-80', gtid: 'MySQL56/629442b7-8e10-11eb-a0bb-04ed332e05c2:1-75', table_p_ks: [] },
  ],
  participants: [{ keyspace: 'customer', shard: '0' }],
  source_workflows: ['wf2'],
};

describe('journal prototext', () => {
  it('formats compactly, leaving zero values out', () => {
    expect(formatJournal(journal)).toBe(
      'id:8372031310398214011 migration_type:SHARDS tables:"customer" tables:"corder" ' +
        'local_position:"MySQL56/060a409d-8e10-11eb-9bb5-04ed332e05c2:1-49" ' +
        'shard_gtids:{keyspace:"customer" shard:"80-" gtid:"MySQL56/6a60d315-8e10-11eb-b894-04ed332e05c2:1-76"} ' +
        'shard_gtids:{keyspace:"customer" shard:"-80" gtid:"MySQL56/629442b7-8e10-11eb-a0bb-04ed332e05c2:1-75"} ' +
        'participants:{keyspace:"customer" shard:"0"} source_workflows:"wf2"',
    );
    expect(formatJournal({ ...journal, migration_type: MigrationType.TABLES, tables: [], shard_gtids: [], participants: [], source_workflows: [], local_position: '' })).toBe(
      'id:8372031310398214011',
    );
  });

  it('round-trips, including quotes, backslashes, control characters and UTF-8', () => {
    expect(parseJournal(formatJournal(journal))).toEqual(journal);
    const odd = { ...journal, tables: ['a"b', 'c\\d', 'e\nf\u0001', 'ünï'] };
    expect(formatJournal(odd)).toContain('tables:"a\\"b" tables:"c\\\\d" tables:"e\\nf\\001" tables:"ünï"');
    expect(parseJournal(formatJournal(odd))).toEqual(odd);
  });

  it("parses Go's text forms: double spaces, `<>` or `{}`, optional colons, lists, comments, escapes, enum numbers", () => {
    const text = `id:8372031310398214011  migration_type:1  tables:["customer", 'corder']
      local_position: "MySQL56/060a409d-8e10-11eb-9bb5-04ed332e05c2:" "1-49"  # split literal
      shard_gtids <keyspace:"customer" shard:"80-" gtid:"MySQL56/6a60d315-8e10-11eb-b894-04ed332e05c2:1-76">
      shard_gtids: {keyspace: "customer", shard: "\\x2d80"; gtid: "MySQL56/629442b7-8e10-11eb-a0bb-04ed332e05c2:1-75"}
      participants {keyspace:"customer" shard:"\\060"} source_workflows:"wf\\u0032"`;
    expect(parseJournal(text)).toEqual(journal);
  });

  it('rejects unknown fields, bad enums and broken syntax with INVALID_ARGUMENT', () => {
    for (const [text, message] of [
      ['id:1 nope:2', 'unknown field binlogdata.Journal.nope'],
      ['migration_type:RESHARD', 'invalid value RESHARD for enum binlogdata.MigrationType'],
      ['participants:{keyspace:"ks"', "expected '}'"],
      ['tables:"unterminated', 'unterminated string'],
      ['id:x', 'expected an integer'],
    ] as const) {
      let caught: unknown;
      try {
        parseJournal(text);
      } catch (e) {
        caught = e;
      }
      expect(caught, text).toBeInstanceOf(VtError);
      expect((caught as VtError).code).toBe(Code.INVALID_ARGUMENT);
      expect((caught as VtError).message).toContain(message);
    }
  });
});
