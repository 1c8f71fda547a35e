/**
 * Component figure of vtgate's MySQL protocol server alone: mysql2 clients in a forked process
 * send point-select-shaped queries to a server in this process whose handler answers every query
 * with the same one-row, two-column result. The ceiling the protocol layer puts on the whole stack.
 */
import { Type } from '@vtsim/proto';
import { MysqlServer } from '@vtsim/vtgate';
import { describeLoad, runLoad } from './load.mjs';

function field(name, type) {
  return { name, type, table: 'customer', org_table: 'customer', database: 'vt_bench', org_name: name, column_length: 0, charset: 0, decimals: 0, flags: 0, column_type: '' };
}

/**
 * Measures queries/s through the protocol server with a trivial handler.
 * @param {{ warmupMs: number, durationMs: number, connections: number, processes: number }} opts
 * @returns {Promise<import('./report.mjs').Figure[]>}
 */
export async function benchMysqlServer(opts) {
  const fields = [field('id', Type.INT64), field('name', Type.VARCHAR)];
  const result = { fields, rows: [[1n, 'customer name']], rowsAffected: 0, insertId: 0n };
  const server = new MysqlServer({
    port: 0,
    handlerFactory: () => ({
      query: async () => result,
      useDatabase: async () => {},
      status: () => ({ inTransaction: false, autocommit: true }),
      close: () => {},
    }),
  });
  try {
    const { port } = await server.listen();
    const cpu = () => {
      const u = process.cpuUsage();
      return u.user + u.system;
    };
    const r = await runLoad({ port, workload: 'trivial', connections: opts.connections, processes: opts.processes, warmupMs: opts.warmupMs, durationMs: opts.durationMs, serverCpuMicros: cpu });
    return [{
      id: 'mysql_server.trivial_queries',
      what: 'MySQL server, trivial handler: queries',
      value: r.ops / r.seconds,
      unit: 'queries/s',
      detail: describeLoad(r),
    }];
  } finally {
    await server.close();
  }
}
