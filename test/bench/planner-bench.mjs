/**
 * Component figures of vtgate's cross-shard planner, in process (executor → plan → tablets): a
 * two-table join that cannot be pushed down (vtgate's nested-loop Join: 10 outer rows, each
 * sending its key as a bind variable to a scatter over 10,000 rows), and COUNT(DISTINCT) over
 * 100,000 rows on two shards (the shards group by the value, vtgate counts the distinct ones).
 */
import { Cluster } from '@vtsim/cli';
import { applySchema, applyVSchema } from '@vtsim/vtctld';
import { describeCpu, timedLoopAsync } from './timed-loop.mjs';

const BIG_ROWS = 10_000;
const SMALL_ROWS = 10;
const DISTINCT_ROWS = 100_000;
const DISTINCT_VALUES = 1000;
const ROWS_PER_INSERT = 1000;

const SCHEMA = [
  'create table small (id bigint not null, name varchar(32), primary key (id))',
  'create table big (id bigint not null, small_id bigint, v int, primary key (id), key small_id (small_id))',
  'create table facts (id bigint not null, v int, primary key (id))',
].join(';\n');

const VSCHEMA = {
  sharded: true,
  vindexes: { hash: { type: 'hash' } },
  tables: Object.fromEntries(['small', 'big', 'facts'].map((t) => [t, { column_vindexes: [{ column: 'id', name: 'hash' }] }])),
};

/** Inserts `count` rows made by `row(id)` into `table`, 1000 per statement. */
async function load(executor, session, table, columns, count, row) {
  for (let first = 1; first <= count; first += ROWS_PER_INSERT) {
    const tuples = [];
    for (let id = first; id < Math.min(first + ROWS_PER_INSERT, count + 1); id++) tuples.push(`(${row(id)})`);
    await executor.execute(session, `insert into ${table} (${columns}) values ${tuples.join(', ')}`);
  }
}

/**
 * Measures queries/s of a join vtgate runs as a nested loop (10 × 10,000 rows, 10,000 rows joined
 * and counted) and of COUNT(DISTINCT) over 100,000 rows across two shards; one session, each
 * statement awaited before the next.
 * @param {{ warmupMs: number, durationMs: number }} time
 * @returns {Promise<import('./report.mjs').Figure[]>}
 */
export async function benchPlanner(time) {
  const cluster = await Cluster.start({ seed: 'bench', mysqlPort: 0 });
  try {
    await cluster.addTablet({ keyspace: 'planner', shard: '-80', uid: 200 });
    await cluster.addTablet({ keyspace: 'planner', shard: '80-', uid: 300 });
    const dialer = (alias) => cluster.tablet(alias.uid);
    await applySchema(cluster.topo, dialer, 'planner', SCHEMA);
    await applyVSchema(cluster.topo, 'planner', VSCHEMA);
    const { executor } = await cluster.startVtgate();
    const session = executor.newSession();
    await executor.useTarget(session, 'planner');
    await load(executor, session, 'small', 'id, name', SMALL_ROWS, (id) => `${id}, 'small${id}'`);
    await load(executor, session, 'big', 'id, small_id, v', BIG_ROWS, (id) => `${id}, ${1 + (id % SMALL_ROWS)}, ${id % 97}`);
    await load(executor, session, 'facts', 'id, v', DISTINCT_ROWS, (id) => `${id}, ${(id * 7919) % DISTINCT_VALUES}`);

    const joinSql = 'select s.name, count(*) from small s join big b on b.small_id = s.id group by s.name';
    const join = await timedLoopAsync(time, async () => {
      const r = await executor.execute(session, joinSql);
      if (r.rows.length !== SMALL_ROWS) throw new Error(`join returned ${r.rows.length} groups`);
      return 1;
    });
    const distinct = await timedLoopAsync(time, async () => {
      const r = await executor.execute(session, 'select count(distinct v) from facts');
      if (r.rows[0]?.[0] !== BigInt(DISTINCT_VALUES)) throw new Error(`count(distinct) returned ${r.rows[0]?.[0]}`);
      return 1;
    });
    const detail = 'one session; planner keyspace: 2 shards, one primary tablet each';
    return [
      {
        id: 'executor.cross_shard_join',
        what: 'vtgate executor: join not pushed down (10 × 10,000 rows, sharded)',
        value: join.ops / join.seconds,
        unit: 'queries/s',
        detail: `${detail}; nested-loop Join, 10 scatters of the inner side per query, 10,000 rows joined and grouped in vtgate; ${describeCpu(join)}`,
      },
      {
        id: 'executor.cross_shard_count_distinct',
        what: 'vtgate executor: count(distinct) over 100,000 rows (sharded)',
        value: distinct.ops / distinct.seconds,
        unit: 'queries/s',
        detail: `${detail}; ${DISTINCT_VALUES} distinct values; ${describeCpu(distinct)}`,
      },
    ];
  } finally {
    await cluster.close();
  }
}
