import { describe, expect, it } from 'vitest';
import { newServer, rowsOf, run } from './mysqld-fixture.js';

describe('mysqld: VReplication-style bookkeeping in a second database', () => {
  it('creates sidecar-shaped tables and runs the statements workflows issue against them', () => {
    const { mysqld } = newServer();
    mysqld.createDatabase('_vt', { logBin: false });
    const admin = mysqld.createSession({ database: '_vt', logBin: false, bypassReadOnly: true });
    run(
      admin,
      `create table if not exists vreplication (
        id int not null auto_increment, workflow varbinary(1000), source mediumblob not null, pos varbinary(10000) not null,
        stop_pos varbinary(10000), max_tps bigint not null, max_replication_lag bigint not null, cell varbinary(1000),
        tablet_types varbinary(100), time_updated bigint not null, transaction_timestamp bigint not null,
        state varbinary(100) not null, message varbinary(1000), db_name varbinary(255) not null,
        rows_copied bigint not null default 0, tags varbinary(1024) not null default '', time_heartbeat bigint not null default 0,
        workflow_type int not null default 0, time_throttled bigint not null default 0,
        component_throttled varchar(255) not null default '', workflow_sub_type int not null default 0,
        defer_secondary_keys tinyint(1) not null default 0, options json, primary key (id), key workflow_idx (workflow)
      ) engine=InnoDB`,
    );
    expect(mysqld.binlog.length).toBe(0);
    const s = mysqld.createSession({ database: 'vt_commerce' });
    const ins = s.execute(
      'insert into _vt.vreplication (workflow, source, pos, max_tps, max_replication_lag, cell, tablet_types, time_updated, ' +
        'transaction_timestamp, state, db_name, workflow_type, workflow_sub_type, defer_secondary_keys, options) values ' +
        "('cust2cust', 'keyspace:\"customer\" shard:\"0\" filter:{rules:{match:\"/.*\" filter:\"-80\"}}', '', 9223372036854775807, " +
        "9223372036854775807, '', 'primary', 1700000000, 0, 'Stopped', 'vt_customer', 4, 0, 0, '{}')",
    );
    expect(ins.insertId).toBe(1n);
    s.execute("update _vt.vreplication set state = 'Running', message = '' where id in (1)");
    s.execute('update _vt.vreplication set pos = :pos, time_updated = :t, rows_copied = rows_copied + 5 where id = :id', {
      pos: 'MySQL56/060a409d-8e10-11eb-9bb5-04ed332e05c2:1-45',
      t: 1700000001n,
      id: 1n,
    });
    const r = s.execute("select id, workflow, state, pos, rows_copied, max_tps, options from _vt.vreplication where db_name = 'vt_customer'");
    expect(r.fields.map((f) => [f.name, f.database, f.table])).toEqual([
      ['id', '_vt', 'vreplication'], ['workflow', '_vt', 'vreplication'], ['state', '_vt', 'vreplication'], ['pos', '_vt', 'vreplication'],
      ['rows_copied', '_vt', 'vreplication'], ['max_tps', '_vt', 'vreplication'], ['options', '_vt', 'vreplication'],
    ]);
    expect(rowsOf(s, "select id, workflow, state, pos, rows_copied, max_tps, options from _vt.vreplication where db_name = 'vt_customer'")).toEqual([
      ['1', 'cust2cust', 'Running', 'MySQL56/060a409d-8e10-11eb-9bb5-04ed332e05c2:1-45', '5', '9223372036854775807', '{}'],
    ]);
    // Row events on _vt tables are binlogged like any other database's (readers filter by database).
    const last = mysqld.binlog.transactionAt(mysqld.binlog.length - 1);
    expect(last.events[0]).toMatchObject({ kind: 'rows', table: { database: '_vt', name: 'vreplication' } });
  });
});
