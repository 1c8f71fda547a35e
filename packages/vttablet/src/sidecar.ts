/**
 * The sidecar database (`_vt` by default) every tablet serves next to `vt_<keyspace>`: the
 * VReplication bookkeeping tables Vitess creates at tablet start. Created with sql_log_bin=0,
 * as MySQL's own initialization is, so they never appear in the binlog.
 */
import type { Mysqld } from './mysqld/mysqld.js';

/** The sidecar tables' DDL, in creation order. */
const sidecarTables = [
  `create table if not exists vreplication (
    id int not null auto_increment,
    workflow varbinary(1000),
    source mediumblob not null,
    pos varbinary(10000) not null,
    stop_pos varbinary(10000),
    max_tps bigint not null,
    max_replication_lag bigint not null,
    cell varbinary(1000),
    tablet_types varbinary(100),
    time_updated bigint not null,
    transaction_timestamp bigint not null,
    state varbinary(100) not null,
    message varbinary(1000),
    db_name varbinary(255) not null,
    rows_copied bigint not null default 0,
    tags varbinary(1024) not null default '',
    time_heartbeat bigint not null default 0,
    workflow_type int not null default 0,
    time_throttled bigint not null default 0,
    component_throttled varchar(255) not null default '',
    workflow_sub_type int not null default 0,
    defer_secondary_keys tinyint(1) not null default 0,
    options json,
    primary key (id),
    key workflow_idx (workflow)
  ) engine=InnoDB`,
  `create table if not exists copy_state (
    id bigint unsigned not null auto_increment,
    vrepl_id int not null,
    table_name varbinary(128) not null,
    lastpk varbinary(2000),
    primary key (id),
    key vrepl_id (vrepl_id, table_name)
  ) engine=InnoDB`,
  `create table if not exists resharding_journal (
    id bigint not null,
    db_name varbinary(255),
    val blob,
    primary key (id)
  ) engine=InnoDB`,
  `create table if not exists heartbeat (
    keyspaceShard varbinary(256) not null,
    tabletUid int unsigned not null,
    ts bigint unsigned not null,
    primary key (keyspaceShard)
  ) engine=InnoDB`,
];

/** Creates the sidecar database and its tables on a mysqld, without binlogging them. Idempotent. */
export function createSidecarDatabase(mysqld: Mysqld, name: string): void {
  mysqld.createDatabase(name, { logBin: false });
  const session = mysqld.createSession({ database: name, logBin: false, bypassReadOnly: true });
  try {
    for (const ddl of sidecarTables) session.execute(ddl);
  } finally {
    session.close();
  }
}
