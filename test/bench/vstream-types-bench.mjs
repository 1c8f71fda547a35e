/**
 * VStream throughput by column type (issue 8): row changes per second reaching a gRPC VStream client
 * (built from the .proto files, in a forked process so it does not share the server's event loop)
 * for a table with one column of each type family, next to the same figure for a table of as many
 * integer and varchar columns, in the copy phase and in the streaming phase, and their ratio (the
 * target: type handling costs at most 10 %).
 *
 * Each table gets 100,000 rows on one primary tablet (keyspace `bench`, unsharded; a fresh cluster in a
 * fresh process per table, so neither pays for the other's heap), inserted in
 * 1000-row statements. The copy phase streams them from an empty position until COPY_COMPLETED;
 * the streaming phase replays their binlog from the position before the inserts until every row
 * change arrived, so both figures measure the stream alone, not the inserts.
 *
 * The integer/varchar table's two figures are measured next to a bare gRPC server
 * (bare-grpc-vstream.mjs) replaying the responses recorded from vtsim's own stream of that table,
 * to the same client, in pairs under the same load (machine-load.mjs): their ratios say what vtsim
 * adds to the cost of gRPC itself.
 *
 * Last, the streaming phase from a tablet holding 1,000,000 rows against one holding 1,000 (fresh
 * processes, a pair under the same load): the same 100,000 row changes (1000-row updates of the
 * held rows) streamed from each; the ratio says what a large table costs the stream.
 */
import { fork } from 'node:child_process';
import { PerformanceObserver, constants as perfConstants, performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { Cluster } from '@vtsim/cli';
import { VEventType } from '@vtsim/proto';
import { recordVStream, startBareVStreamServer } from './bare-grpc-vstream.mjs';
import { measurePair } from './machine-load.mjs';
import { ratioFigure } from './report.mjs';

const SELF = fileURLToPath(import.meta.url);
const KEYSPACE = 'bench';
const BATCH = 1000;
/** Rows per table and streams per figure (each figure is the best of its streams: the machine may be shared); `quick` for the smoke test. */
const SIZES = { full: { rows: 100_000, runs: 3, manyHeld: 1_000_000 }, quick: { rows: 2000, runs: 1, manyHeld: 10_000 } };
/** Rows the small tablet holds in the table-size comparison. */
const FEW_HELD = 1000;

/** The table of the table-size comparison: narrow, so that a million rows fit the heap easily. */
const HELD_TABLE = 'create table held_row (id bigint primary key, n bigint, v varchar(64))';

/** One column of each type family (issue 8's fixture), 17 columns with the id. */
const TYPES_TABLE = {
  name: 'types_row',
  ddl:
    'create table types_row (id bigint primary key, i int, iz int(8) zerofill, d decimal(12,4), f float, db double, ' +
    "b bit(16), dt datetime(6), ts timestamp(3) null, y year, c varchar(32) collate utf8mb4_bin, bn binary(8), tx text, " +
    "e enum('small','medium','large'), s set('a','b','c'), j json, g point)",
  row: (id) =>
    `(${id}, ${id % 100000}, ${id % 1000}, ${id % 100000}.${id % 10000}, ${(id % 1000) / 8}, ${id * 1.5}, ${id % 65536}, ` +
    `'2024-01-31 12:34:56.${String(id % 1000000).padStart(6, '0')}', '2024-01-31 12:00:00.123', ${1901 + (id % 200)}, ` +
    `'name${id}', 'b${id % 1000}', 'text of row ${id}', 'medium', 'a,c', '{"id": ${id}, "tags": ["x", "y"]}', point(${id % 180}, ${id % 90}))`,
};

/** As many columns of integers and varchars, values of similar sizes. */
const PLAIN_TABLE = {
  name: 'plain_row',
  ddl:
    'create table plain_row (id bigint primary key, ' +
    Array.from({ length: 16 }, (_, i) => (i % 2 === 0 ? `n${i} bigint` : `v${i} varchar(64)`)).join(', ') +
    ')',
  row: (id) => `(${id}, ${Array.from({ length: 16 }, (_, i) => (i % 2 === 0 ? String(id * (i + 1)) : `'value ${i} of row ${id}'`)).join(', ')})`,
};

/**
 * Runs both phases on both tables and returns the six figures, then the table-size comparison's
 * three (two tablets and their ratio), then the bare gRPC server's two figures, each followed by
 * the ratio to it.
 * @param {{ quick?: boolean }} [opts]
 * @returns {Promise<import('./report.mjs').Figure[]>}
 */
export async function benchVStreamTypes(opts = {}) {
  const { rows, runs } = opts.quick ? SIZES.quick : SIZES.full;
  // Each table in a fresh process: a table measured after another would pay for its heap.
  const results = {};
  for (const table of [PLAIN_TABLE, TYPES_TABLE]) results[table.name] = await inChild(['--table', table.name], { rows, runs, bare: table === PLAIN_TABLE });
  /** @type {import('./report.mjs').Figure[]} */
  const figures = [];
  for (const phase of ['copy', 'streaming']) {
    const plain = results[PLAIN_TABLE.name][phase];
    const types = results[TYPES_TABLE.name][phase];
    const rate = (r) => r.changes / r.seconds;
    const detail = (r) =>
      `${r.changes.toLocaleString('en-US')} row changes in ${r.seconds.toFixed(2)} s (best of ${runs}), ${(r.bytes / r.changes).toFixed(0)} value bytes per row, ` +
      `server ${((r.serverCpuSeconds / r.changes) * 1e6).toFixed(1)} µs CPU per change`;
    figures.push(
      { id: `vstream.${phase}_changes_plain`, what: `VStream ${phase} phase, integer/varchar table (17 columns)`, value: rate(plain), unit: 'changes/s', detail: detail(plain) },
      { id: `vstream.${phase}_changes_types`, what: `VStream ${phase} phase, one column per type family (17 columns)`, value: rate(types), unit: 'changes/s', detail: detail(types) },
      {
        id: `vstream.${phase}_types_ratio`,
        what: `VStream ${phase} phase, type families ÷ integer/varchar`,
        value: rate(types) / rate(plain),
        unit: '×',
        target: { op: /** @type {const} */ ('>='), value: 0.9 },
        detail: `row changes per second reaching a gRPC client in a forked process; server CPU per change ${(types.serverCpuSeconds / plain.serverCpuSeconds).toFixed(2)}× the integer/varchar table's`,
      },
    );
  }
  figures.push(...(await benchTableSize({ rows, runs, manyHeld: opts.quick ? SIZES.quick.manyHeld : SIZES.full.manyHeld })));
  for (const phase of ['copy', 'streaming']) {
    const pair = results[PLAIN_TABLE.name].bare[phase];
    const rate = (r) => r.changes / r.seconds;
    const reference = {
      id: `bare_grpc.${phase}_changes`,
      what: `bare gRPC server replaying vtsim's ${phase}-phase responses (integer/varchar table)`,
      value: rate(pair.reference),
      unit: 'changes/s',
      detail: `${pair.reference.changes.toLocaleString('en-US')} row changes in ${pair.reference.seconds.toFixed(2)} s (best of ${runs}) to the same client; ` +
        `vtgate's service definition (its response serializer) and server options, the ${pair.responses} responses from memory; server ${((pair.reference.serverCpuSeconds / pair.reference.changes) * 1e6).toFixed(1)} µs CPU per change`,
    };
    figures.push(reference, ratioFigure({
      id: `ratio.vstream_${phase}_vs_bare_grpc`,
      what: `VStream ${phase} phase: vtsim ÷ bare gRPC`,
      vtsim: /** @type {import('./report.mjs').Figure} */ (figures.find((f) => f.id === `vstream.${phase}_changes_plain`)),
      reference,
      target: { op: '>=', value: 0.5 },
      pair,
      referenceName: 'the bare gRPC server',
    }));
  }
  return figures;
}

/**
 * The streaming phase from a tablet holding `manyHeld` rows and from one holding FEW_HELD, each in
 * a fresh process, as a pair under the same load; their figures and the ratio.
 * @param {{ rows: number, runs: number, manyHeld: number }} sizes
 * @returns {Promise<import('./report.mjs').Figure[]>}
 */
async function benchTableSize({ rows, runs, manyHeld }) {
  const held = (n) => `${n.toLocaleString('en-US')} rows`;
  const pair = await measurePair(
    () => inChild(['--held'], { held: manyHeld, changes: rows, runs }),
    () => inChild(['--held'], { held: FEW_HELD, changes: rows, runs }),
    { vtsimName: `the tablet holding ${held(manyHeld)}`, referenceName: `the tablet holding ${held(FEW_HELD)}` },
  );
  const figure = (r, n) => ({
    id: `vstream.streaming_changes_${n === FEW_HELD ? '1k' : '1m'}_rows_held`,
    what: `VStream streaming phase from a tablet holding ${held(n)}`,
    value: r.changes / r.seconds,
    unit: 'changes/s',
    detail: `${r.changes.toLocaleString('en-US')} row changes (1000-row updates of held rows, before and after images) in ${r.seconds.toFixed(2)} s (best of ${runs}); ` +
      `server ${((r.serverCpuSeconds / r.changes) * 1e6).toFixed(1)} µs CPU per change, heap ${Math.round(r.heapUsed / 2 ** 20)} MB; ` +
      `server GC per 100,000 changes: ${gcText(r.gc, 100_000 / r.changes)}`,
  });
  const many = figure(pair.vtsim, manyHeld);
  const few = figure(pair.reference, FEW_HELD);
  return [few, many, ratioFigure({
    id: 'ratio.streaming_1m_vs_1k_rows',
    what: `VStream streaming phase: tablet holding ${held(manyHeld)} ÷ ${held(FEW_HELD)}`,
    vtsim: many,
    reference: few,
    target: { op: '>=', value: 0.8 },
    pair,
    vtsimName: `the tablet holding ${held(manyHeld)}`,
    referenceName: `the tablet holding ${held(FEW_HELD)}`,
  })];
}

/**
 * A fresh cluster whose one primary holds `held` rows of HELD_TABLE (a multiple of 1000), then
 * takes `changes` row changes as 1000-row updates of those rows; streams them from the position
 * before the updates: the best of `runs` streams, and the heap in use.
 * @param {{ held: number, changes: number, runs: number }} opts
 */
async function measureHeld({ held, changes, runs }) {
  const cluster = await Cluster.start({ seed: 'bench-vstream-held', mysqlPort: 0, grpcPort: 0 });
  try {
    await cluster.vtctld.createKeyspace({ name: KEYSPACE });
    await cluster.addTablet({ keyspace: KEYSPACE, shard: '0', uid: 100 });
    const vtgate = await cluster.startVtgate();
    const primary = cluster.tablet(100);
    await primary.executeFetchAsDba(HELD_TABLE);
    for (let first = 1; first <= held; first += BATCH) {
      const tuples = [];
      for (let id = first; id < first + BATCH; id++) tuples.push(`(${id}, ${id}, 'held row ${id}')`);
      await primary.executeFetchAsDba(`insert into held_row values ${tuples.join(', ')}`);
    }
    const before = primary.position();
    for (let done = 0; done < changes; done += BATCH) {
      const first = (done % held) + 1;
      await primary.executeFetchAsDba(`update held_row set n = n + 1 where id between ${first} and ${first + BATCH - 1}`);
    }
    const spec = { address: `${vtgate.grpcAddress.host}:${vtgate.grpcAddress.port}`, filter: { rules: [{ match: 'held_row', filter: '' }] }, gtid: before, until: changes };
    const best = await bestOf(runs, () => withGcCounts(() => streamInChild(spec)));
    return { ...best, heapUsed: process.memoryUsage().heapUsed };
  } finally {
    await cluster.close();
  }
}

/**
 * Loads one table on a fresh cluster and streams it: the best copy and streaming runs. With
 * `bare`, each phase is instead measured in a pair with a bare gRPC server replaying the responses
 * recorded from vtsim's stream (the pair and the count of responses are returned under `bare`).
 * @param {{ name: string, ddl: string, row: (id: number) => string }} table
 * @param {{ rows: number, runs: number, bare: boolean }} opts
 */
async function measureTable(table, { rows, runs, bare }) {
  const cluster = await Cluster.start({ seed: 'bench-vstream-types', mysqlPort: 0, grpcPort: 0 });
  try {
    await cluster.vtctld.createKeyspace({ name: KEYSPACE });
    await cluster.addTablet({ keyspace: KEYSPACE, shard: '0', uid: 100 });
    const vtgate = await cluster.startVtgate();
    const address = `${vtgate.grpcAddress.host}:${vtgate.grpcAddress.port}`;
    const primary = cluster.tablet(100);
    await primary.executeFetchAsDba(table.ddl);
    const before = primary.position();
    for (let first = 1; first <= rows; first += BATCH) {
      const tuples = [];
      for (let id = first; id < first + BATCH; id++) tuples.push(table.row(id));
      await primary.executeFetchAsDba(`insert into ${table.name} values ${tuples.join(', ')}`);
    }
    const filter = { rules: [{ match: table.name, filter: '' }] };
    const specs = { copy: { address, filter, gtid: '', until: 'copy' }, streaming: { address, filter, gtid: before, until: rows } };
    if (!bare) {
      return {
        copy: await bestOf(runs, () => streamInChild(specs.copy)),
        streaming: await bestOf(runs, () => streamInChild(specs.streaming)),
      };
    }
    const recorded = {};
    for (const phase of /** @type {const} */ (['copy', 'streaming'])) {
      let changes = 0;
      const position = { vgtid: { shard_gtids: [{ keyspace: KEYSPACE, shard: '0', gtid: specs[phase].gtid, table_p_ks: [] }] }, filter };
      recorded[phase] = await recordVStream(vtgate, position, (response) => {
        let copied = false;
        for (const e of response.events) {
          if (e.row_event) changes += e.row_event.row_changes.length;
          copied ||= e.type === VEventType.COPY_COMPLETED && !e.keyspace;
        }
        return phase === 'copy' ? copied : changes >= rows;
      });
    }
    const server = await startBareVStreamServer((request) => recorded[request.vgtid.shard_gtids[0].gtid === '' ? 'copy' : 'streaming']);
    try {
      const result = { bare: {} };
      for (const phase of /** @type {const} */ (['copy', 'streaming'])) {
        const pair = await measurePair(
          () => bestOf(runs, () => streamInChild(specs[phase])),
          () => bestOf(runs, () => streamInChild({ ...specs[phase], address: server.address })),
          { referenceName: 'the bare gRPC server' },
        );
        result[phase] = pair.vtsim;
        result.bare[phase] = { ...pair, responses: recorded[phase].length };
      }
      return result;
    } finally {
      await server.close();
    }
  } finally {
    await cluster.close();
  }
}

/**
 * Runs `run` and adds to its result this process's garbage collections meanwhile: `gc.minor` (scavenges)
 * and `gc.major` (mark-compacts), each `{ count, ms }` (pause time).
 * @param {() => Promise<Record<string, any>>} run
 */
async function withGcCounts(run) {
  const gc = { minor: { count: 0, ms: 0 }, major: { count: 0, ms: 0 } };
  const count = (/** @type {PerformanceEntry[]} */ entries) => {
    for (const e of entries) {
      const kind = /** @type {{ detail?: { kind?: number } }} */ (e).detail?.kind;
      const slot = kind === perfConstants.NODE_PERFORMANCE_GC_MAJOR ? gc.major : kind === perfConstants.NODE_PERFORMANCE_GC_MINOR ? gc.minor : undefined;
      if (!slot) continue;
      slot.count++;
      slot.ms += e.duration;
    }
  };
  const observer = new PerformanceObserver((list) => count(list.getEntries()));
  observer.observe({ entryTypes: ['gc'] });
  try {
    const result = await run();
    count(observer.takeRecords());
    return { ...result, gc };
  } finally {
    observer.disconnect();
  }
}

/** `n scavenges (x ms), m mark-compacts (y ms)`, each count and time scaled by `scale`. */
function gcText(gc, scale) {
  const part = (/** @type {{ count: number, ms: number }} */ g, name) => `${(g.count * scale).toFixed(1)} ${name} (${(g.ms * scale).toFixed(0)} ms)`;
  return `${part(gc.minor, 'scavenges')}, ${part(gc.major, 'mark-compacts')}`;
}

/** The fastest of `runs` runs of `run`. */
async function bestOf(runs, run) {
  let best;
  for (let i = 0; i < runs; i++) {
    const r = await run();
    if (!best || r.seconds < best.seconds) best = r;
  }
  return best;
}

/**
 * Streams in a forked client process: from `gtid` ('' = copy phase) until COPY_COMPLETED
 * (`until: 'copy'`) or until `until` row changes arrived. Resolves with the count, the value
 * bytes and the seconds from the request to the last event counted.
 */
function streamInChild(spec) {
  return inChild(['--client'], spec);
}

/**
 * Runs this module in a child process with `args`, sends it `message` and resolves with its reply
 * (rejects with its error). The child may first send `{ ready: true }`: this process's CPU is
 * measured from then on and added to the reply as `serverCpuSeconds`.
 */
function inChild(args, message) {
  return new Promise((resolve, reject) => {
    const child = fork(SELF, args, { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    let reply;
    let cpu;
    child.on('message', (/** @type {any} */ msg) => {
      if (msg.ready) cpu = process.cpuUsage();
      else reply = cpu ? { ...msg, serverCpuSeconds: sumCpu(process.cpuUsage(cpu)) } : msg;
    });
    child.on('error', reject);
    child.on('close', () => (reply && reply.error === undefined ? resolve(reply) : reject(new Error(`${args[0]}: ${reply?.error ?? 'exited without a result'}`))));
    child.send(message);
  });
}

/** User + system CPU of a process.cpuUsage() delta, in seconds. */
function sumCpu(usage) {
  return (usage.user + usage.system) / 1e6;
}

/** The VStream request of a phase: the bench keyspace's one shard from `gtid` ('' = copy first), the table's filter. */
function vstreamRequest({ gtid, filter }) {
  return { tablet_type: 'PRIMARY', vgtid: { shard_gtids: [{ keyspace: KEYSPACE, shard: '0', gtid }] }, filter };
}

/** @param {{ address: string, filter: object, gtid: string, until: 'copy' | number }} spec */
async function runClient({ address, filter, gtid, until }) {
  const { VtgateClient } = await import('@vtsim/vtgate');
  const client = VtgateClient.connect(address);
  process.send({ ready: true });
  const abort = new AbortController();
  const request = vstreamRequest({ gtid, filter });
  let changes = 0;
  let bytes = 0;
  const started = performance.now();
  let ended = started;
  try {
    for await (const response of client.vstream(request, abort.signal)) {
      let done = false;
      for (const e of response.events) {
        if (e.type === 'ROW') {
          for (const ch of e.row_event.row_changes) {
            changes++;
            bytes += (ch.after ?? ch.before).values.length;
          }
        } else if (e.type === 'COPY_COMPLETED' && until === 'copy' && !e.keyspace) done = true;
      }
      if (done || (until !== 'copy' && changes >= until)) {
        ended = performance.now();
        abort.abort();
      }
    }
  } finally {
    client.close();
  }
  return { changes, bytes, seconds: (ended - started) / 1000 };
}

if (process.argv[1] === SELF && ['--client', '--table', '--held'].includes(process.argv[2])) {
  process.once('message', async (/** @type {any} */ spec) => {
    try {
      const table = [PLAIN_TABLE, TYPES_TABLE].find((t) => t.name === process.argv[3]);
      const reply = process.argv[2] === '--client' ? await runClient(spec) : process.argv[2] === '--held' ? await measureHeld(spec) : await measureTable(/** @type {any} */ (table), spec);
      process.send(reply, () => process.exit(0));
    } catch (err) {
      process.send({ error: err instanceof Error ? err.stack : String(err) }, () => process.exit(1));
    }
  });
}
