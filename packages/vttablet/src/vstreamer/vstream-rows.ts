/**
 * The tablet's VStreamRows (Vitess's rowstreamer behind queryservice.VStreamRows): the rows of one
 * table from a consistent snapshot, in primary-key order, after a last primary key when resuming.
 * The first response carries the fields (those the query selects), the primary-key fields and the
 * snapshot's GTID position; each later one a packet of rows, encoded as the copy phase encodes them,
 * with the primary key of the last row read. VDiff reads a source this way, so that the rows and
 * the position they are consistent with come from one snapshot.
 */
import { encodePosition, positionFromGtidSet } from '@vtsim/binlog';
import { Code, VtError, encodeRow, textEncoders, type VStreamRowsRequest, type VStreamRowsResponse } from '@vtsim/proto';
import { decodeLastPk } from './last-pk.js';
import { DEFAULT_PACKET_SIZE } from './packet-buffer.js';
import { buildTablePlan, filterQueryTable } from './plan-builder.js';
import { pkFieldsOf, streamRows } from './row-streamer.js';
import type { VStreamerEnv } from './vstreamer-env.js';

/**
 * Streams `request.query`'s rows as the module comment says. Lazy: the scan advances as responses
 * are consumed, giving the event loop a turn between packets; stops when `signal` aborts. Throws
 * VtError: INVALID_ARGUMENT for a query that is not a filter select (see buildTablePlan) or a last
 * primary key of the wrong width, NOT_FOUND `unknown table <t> in schema`.
 */
export async function* streamTableRows(env: VStreamerEnv, request: VStreamRowsRequest, signal: AbortSignal): AsyncGenerator<VStreamRowsResponse, void, undefined> {
  const name = filterQueryTable(request.query);
  const snapshot = env.mysqld.snapshot();
  const table = snapshot.tableMap(env.dbName, name);
  if (!table) throw new VtError(Code.NOT_FOUND, `unknown table ${name} in schema`);
  const plan = buildTablePlan(table, { match: name, filter: request.query }, env.vschema());
  const pkFields = pkFieldsOf(table);
  const afterPk = decodeLastPk(name, request.lastpk, pkFields);
  yield { fields: plan.fields, pkfields: pkFields, gtid: encodePosition(positionFromGtidSet(snapshot.gtidSet)), rows: [], lastpk: null };
  const pkEncoders = textEncoders(pkFields);
  for (const packet of streamRows(snapshot, table, plan, afterPk, env.packetSize ?? DEFAULT_PACKET_SIZE)) {
    if (signal.aborted) return;
    if (packet.rows.length > 0) yield { fields: [], pkfields: [], gtid: '', rows: packet.rows, lastpk: encodeRow(packet.lastpk, pkEncoders) };
    await new Promise((resolve) => setImmediate(resolve));
  }
}
