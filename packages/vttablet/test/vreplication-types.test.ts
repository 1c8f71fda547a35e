/**
 * VReplication reads what the vstreamer sends, in both phases: a table with one column of each type
 * family is copied (MySQL text values) and then replicated (rbr.go's forms: FLOAT/DOUBLE in %E,
 * DECIMAL without the leading zero, BIT bytes, unpadded ZEROFILL, YEAR 0 as 0000) and ends equal to
 * its source, byte for byte.
 */
import { afterEach, beforeEach, expect, it } from 'vitest';
import type { Tablet } from '../src/index.js';
import { VrCluster, createStream, exec, waitForCopied } from './vreplication-fixture.js';

let c: VrCluster;
beforeEach(async () => {
  c = await VrCluster.start();
});
afterEach(async () => {
  await c.close();
});

const TABLE =
  'create table typed (id bigint primary key, iz int(6) zerofill, ui bigint unsigned, d decimal(10,4), dz decimal(12,0), f float, db double, ' +
  "b1 bit(1), b64 bit(64), y year, t time(3), dt datetime(6), ts timestamp(2) null, c char(10) collate utf8mb4_bin, vl varchar(20) character set latin1 collate latin1_bin, " +
  "bn binary(8), bl blob, e enum('small','medium','large'), s set('a','b','c'), j json, g point)";
const COLUMNS = 'id, iz, ui, d, dz, f, db, b1, b64, y, t, dt, ts, c, vl, bn, bl, e, s, j, g';

function row(id: number, n: number): string {
  return (
    `(${id}, ${n % 1000}, ${18446744073709551615n - BigInt(n)}, ${n % 2 ? '-' : ''}0.${String(n % 10000).padStart(4, '0')}, ${n * 7}, ${n / 8}, ${n}.5e100, ` +
    `${n % 2}, ${BigInt(n) << 40n}, ${n % 2 ? 0 : 1901 + n}, '-${n % 800}:00:01.5', '2024-01-31 12:34:56.${String(n).padStart(6, '0')}', '2024-01-31 12:00:00.${n % 100}', ` +
    `'Ab${n} ', 'x${n}', 'b${n}', x'00${(n % 256).toString(16).padStart(2, '0')}', 'medium', 'a,c', '{"n": ${n}, "f": 1.5}', point(${n}, -${n}))`
  );
}

/** The table's rows with every value's bytes, for an exact comparison. */
async function dump(t: Tablet): Promise<string[]> {
  const r = await exec(t, 'select * from typed order by id');
  return r.rows.map((values) => values.map((v) => (v === null ? 'NULL' : v instanceof Uint8Array ? Buffer.from(v).toString('hex') : String(v))).join('|'));
}

it('copies and replicates every type family so that the target equals the source', async () => {
  const [src] = await c.addTablets('source', '0', [100]);
  const [dst] = await c.addTablets('target', '0', [200]);
  await exec(src!, TABLE);
  await exec(dst!, TABLE);
  await exec(src!, `insert into typed (${COLUMNS}) values ${[1, 2, 3, 4].map((n) => row(n, n)).join(', ')}`);
  const id = await createStream(dst!, 'types', { keyspace: 'source', shard: '0', filter: { rules: [{ match: 'typed', filter: 'select * from typed' }] } });
  await waitForCopied(dst!, id);
  expect(await dump(dst!)).toEqual(await dump(src!));

  await exec(src!, `insert into typed (${COLUMNS}) values ${row(5, 5)}, ${row(6, 6)}`);
  await exec(src!, "update typed set d = -0.25, dz = 0, f = 0.1, db = 0.0000001, y = 0, iz = 42, b1 = 1, b64 = 18446744073709551615 where id = 2");
  await exec(src!, 'delete from typed where id = 3');
  await dst!.vreplicationWaitForPos(id, src!.position(), 5000);
  expect(await dump(dst!)).toEqual(await dump(src!));
  expect((await dump(dst!)).length).toBe(5);
});
