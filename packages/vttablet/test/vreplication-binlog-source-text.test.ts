import { describe, expect, it } from 'vitest';
import { Code, FieldEventMode, TabletType, VtError, type BinlogSource } from '@vtsim/proto';
import { formatBinlogSource, OnDDLAction, parseBinlogSource } from '../src/index.js';

function source(over: Partial<BinlogSource>): BinlogSource {
  return { keyspace: '', shard: '', tablet_type: TabletType.UNKNOWN, key_range: null, tables: [], filter: null, on_ddl: 0, stop_after_copy: false, ...over };
}

describe('BinlogSource prototext', () => {
  it('formats a MoveTables source as Vitess stores it', () => {
    const s = source({ keyspace: 'commerce', shard: '0', filter: { rules: [{ match: 'customer', filter: 'select * from customer' }] } });
    expect(formatBinlogSource(s)).toBe('keyspace:"commerce" shard:"0" filter:{rules:{match:"customer" filter:"select * from customer"}}');
  });

  it('formats a Reshard source with key-range rules and byte key ranges', () => {
    const s = source({
      keyspace: 'customer', shard: '0', tablet_type: TabletType.PRIMARY,
      key_range: { start: new Uint8Array(0), end: Uint8Array.of(0x80) },
      filter: { rules: [{ match: '/.*', filter: '-80' }] }, on_ddl: OnDDLAction.EXEC, stop_after_copy: true,
    });
    const text = formatBinlogSource(s);
    expect(text).toBe('keyspace:"customer" shard:"0" tablet_type:PRIMARY key_range:{end:"\\x80"} filter:{rules:{match:"/.*" filter:"-80"}} on_ddl:EXEC stop_after_copy:true');
    expect(parseBinlogSource(text)).toEqual(s);
  });

  it('round-trips quotes, backslashes, newlines and non-ASCII text', () => {
    const s = source({ keyspace: 'k"s', shard: '80-', tables: ['a\\b', 'ünï\ncode'], filter: { rules: [{ match: 't', filter: "select * from t where x = 'a\"b'" }], workflow_name: 'w', workflow_type: 4 } });
    expect(parseBinlogSource(formatBinlogSource(s))).toEqual(s);
  });

  it('accepts whitespace, <> messages, lists, separators, comments and enum numbers', () => {
    const text = `keyspace: "commerce"  shard : '0' # comment
      filter < rules < match: "customer", filter: "select " "* from customer" >; rules { match: "corder" } >
      tables: ["a", "b"] tablet_type: 2 on_ddl: STOP`;
    expect(parseBinlogSource(text)).toEqual(source({
      keyspace: 'commerce', shard: '0', tablet_type: TabletType.REPLICA, tables: ['a', 'b'], on_ddl: OnDDLAction.STOP,
      filter: { rules: [{ match: 'customer', filter: 'select * from customer' }, { match: 'corder', filter: '' }] },
    }));
  });

  it("writes and reads the filter's field_event_mode under Vitess's field name", () => {
    const s = source({ keyspace: 'commerce', shard: '0', filter: { rules: [{ match: '/.*', filter: '' }], field_event_mode: FieldEventMode.BEST_EFFORT } });
    const text = formatBinlogSource(s);
    expect(text).toBe('keyspace:"commerce" shard:"0" filter:{rules:{match:"/.*"} field_event_mode:BEST_EFFORT}');
    expect(parseBinlogSource(text)).toEqual(s);
  });

  it('rejects unknown fields, bad values and broken text with INVALID_ARGUMENT', () => {
    const oldFilterFieldName = 'filter:{rules:{match:"/.*"} fieldEventMode:BEST_EFFORT}';
    for (const bad of ['keyspace:"a" nope:"b"', 'keyspace:1', 'keyspace:"a', 'filter:{rules:{match:"x" bogus:"y"}}', 'on_ddl:LOUD', 'filter:"x"', oldFilterFieldName]) {
      let err: unknown;
      try {
        parseBinlogSource(bad);
      } catch (e) {
        err = e;
      }
      expect(err, bad).toBeInstanceOf(VtError);
      expect((err as VtError).code, bad).toBe(Code.INVALID_ARGUMENT);
    }
  });
});
