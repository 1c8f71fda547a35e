// Issue 12: vtgate's web port serves /debug/status and /debug/vars as Vitess's vtgate does, with the
// variables vtsim keeps under Vitess's names (HealthcheckConnections, VStreamsCreated, VStreamsCount,
// VStreamsEndedWithErrors: multi-label counters keyed Keyspace.ShardName.TabletType).
import { get as httpGet } from 'node:http';
import { TabletType, defaultVStreamFlags } from '@vtsim/proto';
import { applySchema } from '@vtsim/vtctld';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Cluster } from '../../packages/cli/src/cluster.js';

/** GET `url` on a fresh connection (a restarted server's port must answer anew): status, content type and body. */
function get(url: string): Promise<{ status: number; type: string; body: string }> {
  return new Promise((resolve, reject) => {
    httpGet(url, { agent: false }, (res) => {
      let body = '';
      res.setEncoding('utf8').on('data', (d: string) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, type: res.headers['content-type'] ?? '', body }));
    }).on('error', reject);
  });
}

describe("vtgate's /debug/status and /debug/vars", () => {
  let cluster: Cluster;
  let base: string;
  const abort = new AbortController();
  let reading: Promise<void>;

  beforeAll(async () => {
    cluster = await Cluster.start({ seed: 'debug-pages', mysqlPort: 0, vtgateWebPort: 0 });
    for (const uid of [100, 101]) await cluster.addTablet({ keyspace: 'commerce', shard: '0', uid });
    await applySchema(cluster.topo, (a) => cluster.tablet(a.uid), 'commerce', 'create table product(sku varbinary(128), primary key(sku))');
    await cluster.startVtgate();
    base = `http://127.0.0.1:${cluster.vtgateWebAddress!.port}`;
    const stream = cluster.vtgate!.vstreamManager.vstream({
      tablet_type: TabletType.PRIMARY,
      vgtid: { shard_gtids: [{ keyspace: 'commerce', shard: '0', gtid: 'current', table_p_ks: [] }] },
      filter: { rules: [{ match: '/.*', filter: '' }] },
      flags: defaultVStreamFlags(),
    }, abort.signal);
    // The stream ends when the test restarts vtgate (UNAVAILABLE, transport is closing).
    reading = (async () => {
      for await (const _ of stream);
    })().catch(() => undefined);
  });
  afterAll(async () => {
    abort.abort();
    await reading;
    await cluster?.close();
  });

  it('/debug/vars: the health check connections and the VStream counters by keyspace, shard and tablet type', async () => {
    await expect.poll(async () => (JSON.parse((await get(`${base}/debug/vars`)).body) as { VStreamsCount: object }).VStreamsCount).toEqual({ 'commerce.0.PRIMARY': 1 });
    const res = await get(`${base}/debug/vars`);
    expect(res.type).toMatch(/^application\/json/);
    const vars = JSON.parse(res.body) as Record<string, unknown>;
    expect(vars.HealthcheckConnections).toEqual({ 'commerce.0.PRIMARY': 1, 'commerce.0.REPLICA': 1 });
    expect(vars.VStreamsCreated).toEqual({ 'commerce.0.PRIMARY': 1 });
    expect(vars.VStreamsEndedWithErrors).toEqual({ 'commerce.0.PRIMARY': 0 });
    expect(Array.isArray(vars.cmdline)).toBe(true);
  });

  it('/debug/status: the health check cache by target and the running VStreams', async () => {
    const res = await get(`${base}/debug/status`);
    expect(res.type).toMatch(/^text\/html/);
    const page = res.body;
    expect(page).toContain('<h2>Health Check Cache</h2>');
    expect(page).toContain('<tr><td>commerce</td><td>0</td><td>PRIMARY</td><td>zone1-0000000100 (SERVING, lag 0 s)</td></tr>');
    expect(page).toMatch(/<tr><td>1<\/td><td>PRIMARY<\/td><td>\/\.\*: <\/td><td>commerce\/0 MySQL56\/[0-9a-f-]+:\d+(-\d+)?<\/td><td>\d+<\/td><\/tr>/);
    expect((await get(`${base}/nothing`)).status).toBe(404);
  });

  it('a restarted vtgate serves its pages on the same port; a stopped one serves none', async () => {
    const port = cluster.vtgateWebAddress!.port;
    await cluster.restartVtgate();
    expect(cluster.vtgateWebAddress!.port).toBe(port);
    expect((await get(`${base}/debug/status`)).status).toBe(200);
    await cluster.stopVtgate();
    expect(cluster.vtgateWebAddress).toBeUndefined();
    await expect(get(`${base}/debug/status`)).rejects.toThrow(/ECONNREFUSED/);
  });
});
