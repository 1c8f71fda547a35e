// Throughput of the MySQL server alone: mysql2 clients in a separate process send point-select
// shaped queries to a trivial handler (one row, two columns). Runs only with VTSIM_BENCH=1 and
// prints queries per second; it asserts only that every query was answered.
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { Type, type Result } from '@vtsim/proto';
import { expect, it } from 'vitest';
import { MysqlServer } from '../src/mysql-server/mysql-server.js';
import { field } from './mysql-server-fixture.js';

const CLIENT_SCRIPT = `
const mysql = (await import(process.env.MYSQL2_PATH)).default;
const [port, conns, ms] = process.argv.slice(1).map(Number);
const pool = await Promise.all(Array.from({ length: conns }, () => mysql.createConnection({ host: '127.0.0.1', port, user: 'bench' })));
let done = 0;
const until = performance.now() + ms;
const start = performance.now();
await Promise.all(pool.map(async (c, i) => {
  while (performance.now() < until) {
    await c.query('select id, name from customer where id = ' + (i + done));
    done++;
  }
}));
const secs = (performance.now() - start) / 1000;
await Promise.all(pool.map((c) => c.end()));
process.stdout.write(JSON.stringify({ done, qps: Math.round(done / secs) }));
`;

function runClients(port: number, conns: number, ms: number): Promise<{ done: number; qps: number }> {
  const mysql2Path = createRequire(import.meta.url).resolve('mysql2/promise');
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, ['--input-type=module', '-e', CLIENT_SCRIPT, String(port), String(conns), String(ms)], {
      env: { ...process.env, MYSQL2_PATH: mysql2Path },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    p.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
    p.on('error', reject);
    p.on('close', (code) => (code === 0 ? resolve(JSON.parse(out) as { done: number; qps: number }) : reject(new Error(`client exited ${code}`))));
  });
}

it.runIf(!!process.env.VTSIM_BENCH)(
  'measures point-select throughput through the protocol server',
  async () => {
    let answered = 0;
    const fields = [field('id', Type.INT64), field('name', Type.VARCHAR)];
    await using server = new MysqlServer({
      port: 0,
      handlerFactory: () => ({
        query: async (sql: string): Promise<Result> => {
          answered++;
          return { fields, rows: [[BigInt(sql.length), 'customer name']], rowsAffected: 0, insertId: 0n };
        },
        useDatabase: async () => {},
        status: () => ({ inTransaction: false, autocommit: true }),
        close: () => {},
      }),
    });
    const { port } = await server.listen();
    for (const conns of [1, 4, 16]) {
      const cpu = process.cpuUsage();
      const r = await runClients(port, conns, 3000);
      const used = process.cpuUsage(cpu);
      const usPerQuery = ((used.user + used.system) / r.done).toFixed(1);
      console.log(`mysql-server bench: ${conns} connection(s): ${r.qps} queries/s (${r.done} queries), server CPU ${usPerQuery} µs/query`);
      expect(r.done).toBeGreaterThan(0);
    }
    expect(answered).toBeGreaterThan(0);
  },
  60_000,
);
