/**
 * CREATE DATABASE → first successful insert, through vtgate's MySQL protocol (the fixture use
 * case: each test gets its own database): `create database`, `use`, `create table`, `insert`, timed
 * from the first statement sent to the insert's OK, then `drop database`. The median of RUNS runs.
 */
import mysql from 'mysql2/promise';

const RUNS = 15;

/**
 * Measures on a running cluster's vtgate MySQL port; `id` prefixes the figure's id.
 * @param {{ id: string, port: number, label: string, target?: { op: '<', value: number } }} opts
 * @returns {Promise<import('./report.mjs').Figure>}
 */
export async function benchCreateDatabase(opts) {
  const conn = await mysql.createConnection({ host: '127.0.0.1', port: opts.port, user: 'bench' });
  const times = [];
  try {
    for (let i = 0; i < RUNS; i++) {
      const db = `bench_db_${i}`;
      const start = performance.now();
      await conn.query(`create database ${db}`);
      await conn.query(`use ${db}`);
      await conn.query('create table t (id bigint primary key, v varchar(16))');
      await conn.query("insert into t (id, v) values (1, 'first')");
      times.push(performance.now() - start);
      await conn.query(`drop database ${db}`);
    }
  } finally {
    await conn.end();
  }
  times.sort((a, b) => a - b);
  return {
    id: `${opts.id}.create_database_to_insert`,
    what: `CREATE DATABASE to first insert${opts.label}`,
    value: times[Math.floor(times.length / 2)],
    unit: 'ms',
    target: opts.target,
    detail: `median of ${RUNS} (min ${times[0].toFixed(1)} ms, max ${times[times.length - 1].toFixed(1)} ms): create database, use, create table, insert; the keyspace gets vtcombo's 3 tablets`,
  };
}
