/**
 * PARTITION BY in CREATE/ALTER TABLE: accepted as MySQL 8 accepts it, shown by SHOW CREATE TABLE in
 * MySQL 8's `/*!50100 … *\/` form, refused with MySQL's errors; the rows stay one table.
 */
import { describe, expect, it } from 'vitest';
import { expectError, newServer, rowsOf, run } from './mysqld-fixture.js';

const TABLE_OPTIONS = ') ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_0900_ai_ci';

function createText(sql: string, table = 't'): string {
  const { session } = newServer();
  run(session, sql);
  return rowsOf(session, `show create table ${table}`)[0]![1]!;
}

describe('PARTITION BY', () => {
  it('shows RANGE, LIST, HASH, KEY and COLUMNS partitioning as MySQL 8 does', () => {
    expect(createText('create table t (id int primary key, c int) partition by range (id) (partition p0 values less than (10), partition p1 values less than maxvalue)')).toBe(
      'CREATE TABLE `t` (\n  `id` int NOT NULL,\n  `c` int DEFAULT NULL,\n  PRIMARY KEY (`id`)\n' + TABLE_OPTIONS +
        '\n/*!50100 PARTITION BY RANGE (`id`)\n(PARTITION p0 VALUES LESS THAN (10) ENGINE = InnoDB,\n PARTITION p1 VALUES LESS THAN MAXVALUE ENGINE = InnoDB) */',
    );
    expect(createText("create table t (id int, c int, primary key (id, c)) PARTITION BY LIST (c) (PARTITION a VALUES IN (1, 2) COMMENT 'x', PARTITION `b c` VALUES IN (3))")).toMatch(
      /\n\/\*!50100 PARTITION BY LIST \(`c`\)\n\(PARTITION a VALUES IN \(1,2\) COMMENT = 'x' ENGINE = InnoDB,\n PARTITION `b c` VALUES IN \(3\) ENGINE = InnoDB\) \*\/$/,
    );
    expect(createText('create table t (id bigint primary key) partition by hash (id) partitions 4')).toMatch(/\n\/\*!50100 PARTITION BY HASH \(`id`\)\nPARTITIONS 4 \*\/$/);
    expect(createText('create table t (id bigint primary key) partition by linear key algorithm=2 (id) partitions 3')).toMatch(
      /\n\/\*!50100 PARTITION BY LINEAR KEY ALGORITHM = 2 \(id\)\nPARTITIONS 3 \*\/$/,
    );
    expect(createText('create table t (id bigint primary key) partition by key () partitions 2')).toMatch(/\n\/\*!50100 PARTITION BY KEY \(\)\nPARTITIONS 2 \*\/$/);
    expect(createText("create table t (id int, s varchar(5), primary key (id, s)) partition by range columns (id, s) (partition p0 values less than (10, 'a'), partition p1 values less than (maxvalue, maxvalue))")).toMatch(
      /\n\/\*!50500 PARTITION BY RANGE {2}COLUMNS\(id,s\)\n\(PARTITION p0 VALUES LESS THAN \(10,'a'\) ENGINE = InnoDB,\n PARTITION p1 VALUES LESS THAN \(MAXVALUE,MAXVALUE\) ENGINE = InnoDB\) \*\/$/,
    );
    expect(createText('create table t (id int, d date, primary key (id, d)) partition by range (YEAR(d)) (partition a values less than (2000), partition b values less than maxvalue)')).toMatch(
      /PARTITION BY RANGE \(year\(`d`\)\)\n/,
    );
    // Operators print as MySQL 8's item printer does, each with its operands in parentheses.
    expect(createText('create table t (id int, d date, primary key (id, d)) partition by range (year(d)*100+month(d)) (partition a values less than (202202))')).toMatch(
      /PARTITION BY RANGE \(\(\(year\(`d`\) \* 100\) \+ month\(`d`\)\)\)\n/,
    );
    expect(createText('create table t (id int primary key) partition by hash (mod(id, 7)) partitions 2')).toMatch(/PARTITION BY HASH \(\(`id` % 7\)\)\n/);
  });

  it('reads the clause back from SHOW CREATE TABLE output (the executable comment), so the text round-trips', () => {
    const { session } = newServer();
    run(session, 'create table a (id bigint primary key) partition by hash (id) partitions 4');
    const text = rowsOf(session, 'show create table a')[0]![1]!;
    run(session, text.replace('CREATE TABLE `a`', 'CREATE TABLE `b`'));
    expect(rowsOf(session, 'show create table b')[0]![1]).toBe(text.replace('CREATE TABLE `a`', 'CREATE TABLE `b`'));
    // An ordinary comment is only a comment.
    run(session, 'create table c (id int primary key) /* partition by hash (id) */');
    expect(rowsOf(session, 'show create table c')[0]![1]).not.toContain('PARTITION');
  });

  it('keeps the rows in one table through ALTER TABLE … PARTITION BY and REMOVE PARTITIONING, which are binlogged', () => {
    const { mysqld, session } = newServer();
    run(session, 'create table t (id int primary key, v varchar(10))', "insert into t values (1, 'a'), (20, 'b')");
    run(session, 'alter table t partition by range (id) (partition lo values less than (10), partition hi values less than maxvalue)');
    expect(rowsOf(session, 'show create table t')[0]![1]).toContain('/*!50100 PARTITION BY RANGE (`id`)');
    run(session, "insert into t values (5, 'c')", 'alter table t add column w int');
    expect(rowsOf(session, 'select id, v from t order by id')).toEqual([['1', 'a'], ['5', 'c'], ['20', 'b']]);
    expect(rowsOf(session, 'show create table t')[0]![1]).toContain('PARTITION hi VALUES LESS THAN MAXVALUE ENGINE = InnoDB) */');
    run(session, 'alter table t remove partitioning');
    expect(rowsOf(session, 'show create table t')[0]![1]).not.toContain('PARTITION');
    const statements: string[] = [];
    for (let i = 0; i < mysqld.binlog.length; i++) {
      const ev = mysqld.binlog.transactionAt(i).events[0]!;
      if (ev.kind === 'ddl') statements.push(ev.statement);
    }
    expect(statements.slice(-3)).toEqual([
      'alter table t partition by range (id) (partition lo values less than (10), partition hi values less than maxvalue)',
      'alter table t add column w int',
      'alter table t remove partitioning',
    ]);
  });

  it("refuses what MySQL refuses, with MySQL's errors", () => {
    const { session } = newServer();
    expectError(session, 'create table t (id int primary key) partition by range (id)', 1492, 'For RANGE partitions each partition must be defined');
    expectError(session, 'create table t (id int primary key) partition by range (id) (partition a)', 1479, 'Syntax error: RANGE PARTITIONING requires definition of VALUES LESS THAN for each partition');
    expectError(session, 'create table t (id int primary key) partition by hash (id) (partition a values less than (3))', 1480);
    expectError(session, 'create table t (id int primary key) partition by range (id) (partition a values in (3))', 1480);
    expectError(session, 'create table t (id int primary key) partition by hash (nope)', 1054, "Unknown column 'nope' in 'partition function'");
    expectError(session, 'create table t (id int primary key, u int, unique key (u)) partition by hash (id)', 1503, "A UNIQUE INDEX must include all columns in the table's partitioning function (prefixed columns are not considered).");
    expectError(session, 'create table t (id int, c int, primary key (id)) partition by key (c) partitions 2', 1503);
    expectError(session, 'create table t (id int) partition by key ()', 1488);
    // A NOT NULL unique key stands in for a missing primary key, in KEY () and in the message.
    expectError(session, 'create table t (a int not null, b int not null, c int not null, unique key (a, b)) partition by hash (c) partitions 4', 1503,
      "A PRIMARY KEY must include all columns in the table's partitioning function (prefixed columns are not considered).");
    run(session, 'create table k (a int not null, b int, unique key (a)) partition by key () partitions 2');
    run(session, 'drop table k');
    expectError(session, 'create table t (id int primary key) partition by hash (id) subpartition by key (id)', 1500);
    expectError(session, 'create table t (id int primary key) partition by hash (id) partitions 3 (partition a, partition b)', 1064);
    expectError(session, 'create table t (id int primary key) partition by hash id', 1064);
    run(session, 'create table t (id int primary key)');
    expectError(session, 'alter table t remove partitioning', 1505, 'Partition management on a not partitioned table is not possible');
    expect(rowsOf(session, 'show tables')).toEqual([['t']]);
  });
});
