// vtgate's gRPC server encodes VStream responses as they are built (no protobufjs fromObject copy,
// servenv's typedResponses): here every response of a real stream — copy phase and binlog phase,
// a table with a column of each type family, DDL, deletes, a second table — is encoded that way
// and by proto-loader's serializer (what the server used before), and the bytes must be the same.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCluster, type VtsimCluster } from '@vtsim/cli';
import { VEventType, type VStreamResponse } from '@vtsim/proto';
import { loadVitessProtos } from '@vtsim/vtgate';
import { vitessServerService } from '../../packages/vtgate/src/grpc/proto-files.js';

const TYPES_DDL =
  'create table types_row (id bigint primary key, i int, iz int(8) zerofill, u bigint unsigned, d decimal(12,4), f float, db double, ' +
  "b bit(16), dt datetime(6), ts timestamp(3) null, y year, c varchar(32) collate utf8mb4_bin, bn binary(8), tx text, " +
  "e enum('small','medium','large'), s set('a','b','c'), j json, g point)";

function typesRow(id: number): string {
  return `(${id}, ${id - 50}, ${id % 1000}, 18446744073709551615, ${id}.${id % 10000}, ${id / 8}, ${id * 1.5}, ${id % 65536}, ` +
    `'2024-01-31 12:34:56.${String(id).padStart(6, '0')}', ${id % 2 ? 'null' : "'2024-01-31 12:00:00.123'"}, ${1901 + id}, ` +
    `'name ✓ ${id}', 'b${id}', 'text of row ${id}', 'medium', 'a,c', '{"id": ${id}, "tags": ["x", null]}', point(${id}, ${-id}))`;
}

let cluster: VtsimCluster;
const responses: VStreamResponse[] = [];

beforeAll(async () => {
  cluster = await startCluster({ keyspaces: [{ name: 'enc', replicaCount: 1, rdonlyCount: 0 }] });
  const primary = cluster.cluster.tablet(100)!;
  await primary.executeFetchAsDba(TYPES_DDL);
  await primary.executeFetchAsDba(`insert into types_row values ${[1, 2, 3, 4].map(typesRow).join(', ')}`);
  await primary.executeFetchAsDba('create table other (id int primary key, v varbinary(10))');
  await primary.executeFetchAsDba("insert into other values (1, x'00ff'), (2, null)");
  const abort = new AbortController();
  let sawCopyCompleted = false;
  const stream = (async () => {
    for await (const r of cluster.vstream({ vgtid: { shard_gtids: [{ keyspace: 'enc', shard: '0', gtid: '', table_p_ks: [] }] }, filter: { rules: [{ match: '/.*/', filter: '' }] } }, abort.signal)) {
      responses.push(r);
      if (r.events.some((e) => e.type === VEventType.COPY_COMPLETED)) sawCopyCompleted = true;
      if (r.events.some((e) => e.type === VEventType.ROW && e.row_event?.table_name === 'enc.other' && e.row_event.row_changes.some((c) => !c.after))) abort.abort();
    }
  })().catch((err: unknown) => {
    if (!abort.signal.aborted) throw err;
  });
  while (!sawCopyCompleted) await new Promise((r) => setTimeout(r, 10));
  await primary.executeFetchAsDba(`insert into types_row values ${typesRow(5)}`);
  await primary.executeFetchAsDba("update types_row set tx = concat(tx, ' updated'), i = -i, j = json_object('k', 1.5) where id <= 3");
  await primary.executeFetchAsDba('alter table types_row add column extra int');
  await primary.executeFetchAsDba('update types_row set extra = 7 where id = 5');
  await primary.executeFetchAsDba('delete from other where id = 2');
  await stream;
}, 60_000);

afterAll(async () => {
  await cluster?.close();
});

describe("vtgate's VStream response encoding", () => {
  it('writes the same bytes as proto-loader’s serializer for every response of a real stream', () => {
    const kinds = new Set(responses.flatMap((r) => r.events.map((e) => e.type)));
    for (const kind of [VEventType.FIELD, VEventType.ROW, VEventType.VGTID, VEventType.BEGIN, VEventType.COMMIT, VEventType.DDL, VEventType.COPY_COMPLETED]) {
      expect(kinds.has(kind), `the stream has ${VEventType[kind]} events`).toBe(true);
    }
    expect(responses.some((r) => r.events.some((e) => e.vgtid?.shard_gtids.some((g) => g.table_p_ks.length > 0))), "a VGTID carries a copy position").toBe(true);
    const typed = vitessServerService().VStream!;
    const converted = loadVitessProtos('numbers').vitessService.VStream!;
    for (const [i, r] of responses.entries()) {
      expect(Buffer.from(typed.responseSerialize(r)), `response ${i}`).toEqual(Buffer.from(converted.responseSerialize(r)));
    }
  });
});
