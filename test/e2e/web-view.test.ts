// Issue 12, item 1: the live cluster view in a real browser. Headless Chromium (Debian's, driven by
// playwright-core) opens the view on the control server while the local example runs 101 → 306
// in this process on free ports, with a VStream client attached to customer/0 through vtgate's gRPC
// port, and checks what a learner must see at each step. Screenshots go to test-results/web-view/.
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { VTSIM_ROOT } from '@vtsim/proto';
import { VtgateClient } from '@vtsim/vtgate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Cluster } from '../../packages/cli/src/cluster.js';
import { startControlServer, type ControlServer } from '../../packages/cli/src/control-server.js';
import { ExampleMysql } from '../../packages/cli/src/example-mysql.js';
import { initialSteps, type ExampleContext, type ExampleStep } from '../../packages/cli/src/example-steps.js';
import { moveTablesSteps, reshardSteps } from '../../packages/cli/src/example-workflow-steps.js';

const CHROMIUM = '/usr/bin/chromium';
const SCREENSHOTS = join(VTSIM_ROOT, 'test-results', 'web-view');
/** Chromium's flags for a quiet, sandbox-free headless run (no network of its own, no first-run UI). */
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

const installed = existsSync(CHROMIUM);
if (!installed && process.env.CI === 'true') {
  describe('the live cluster view in Chromium', () => {
    it('needs Debian\'s chromium (CI installs it)', () => {
      throw new Error(`${CHROMIUM} is missing: .ci/run installs the chromium package`);
    });
  });
} else if (!installed) {
  describe.skip(`the live cluster view in Chromium (skipped: ${CHROMIUM} is missing; apt-get install chromium)`, () => {
    it('skipped', () => undefined);
  });
} else {
  describe('the live cluster view in Chromium', () => {
    let cluster: Cluster;
    let control: ControlServer;
    let browser: BrowserContext;
    let page: Page;
    let profile: string;
    const ctx = {} as ExampleContext;
    /** The tour's steps in order, and the next to run. */
    const steps: readonly ExampleStep[] = [...initialSteps, ...moveTablesSteps, ...reshardSteps];
    let next = 0;
    let client: VtgateClient | undefined;
    const clientAbort = new AbortController();
    let clientResponses = 0;
    let clientDone: Promise<void> | undefined;

    /** Runs the tour's steps, in order, up to the one whose script starts with `script`. */
    const run = async (script: string): Promise<void> => {
      for (;;) {
        const step = steps[next++];
        if (!step) throw new Error(`the tour has no step ${script} after step ${next - 1}`);
        await step.run(ctx);
        if (step.script.startsWith(script)) return;
      }
    };
    const shot = (name: string): Promise<Buffer> => page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: true });
    /** The text of the element `selector`, once it exists. */
    const text = (selector: string): Promise<string> => page.locator(selector).first().innerText();

    beforeAll(async () => {
      mkdirSync(SCREENSHOTS, { recursive: true });
      cluster = await Cluster.start({ seed: 'example', mysqlPort: 0, grpcPort: 0 });
      control = await startControlServer(cluster, '127.0.0.1', 0, () => undefined);
      Object.assign(ctx, {
        cluster,
        scripts: join(VTSIM_ROOT, 'scripts'),
        log: () => undefined,
        async startVtgate() {
          const vtgate = await cluster.startVtgate();
          ctx.mysql = new ExampleMysql(vtgate.mysqlAddress!.port, () => undefined);
        },
      });
      profile = mkdtempSync(join(tmpdir(), 'vtsim-chromium-'));
      browser = await chromium.launchPersistentContext(profile, { executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS, viewport: { width: 1400, height: 1000 } });
      page = browser.pages()[0] ?? (await browser.newPage());
      page.setDefaultTimeout(15_000);
      await page.goto(`http://127.0.0.1:${control.port}/`);
      await page.locator('#connection[data-state="live"]').waitFor();
    }, 60_000);

    afterAll(async () => {
      clientAbort.abort();
      await clientDone;
      client?.close();
      await browser?.close();
      await control?.close();
      await cluster?.close();
      if (profile) rmSync(profile, { recursive: true, force: true });
    });

    it('101: commerce/0 is one serving shard over the whole key range, with a PRIMARY, a REPLICA and an RDONLY', async () => {
      await run('mysql --table < select_commerce_data.sql');
      const shard = page.locator('#keyspaces [data-shard="commerce/0"]');
      await shard.locator('.tablet').nth(2).waitFor();
      expect(await shard.getAttribute('data-serving')).toBe('true');
      expect(await shard.locator('.segment').getAttribute('style')).toMatch(/left: ?0%; ?width: ?100%/);
      expect(await shard.locator('.tablet').evaluateAll((els) => els.map((e) => `${e.getAttribute('data-tablet')} ${e.getAttribute('data-type')}`))).toEqual([
        'zone1-0000000100 PRIMARY',
        'zone1-0000000101 REPLICA',
        'zone1-0000000102 RDONLY',
      ]);
      expect(await text('[data-tablet="zone1-0000000101"]')).toMatch(/REPLICA serving · [0-9a-f]{8}…:1-\d+ · lag 0 s/);
      await page.locator('#timeline li[data-kind="tablet"]', { hasText: 'zone1-0000000100' }).first().waitFor();
      await shot('101-initial-cluster');
    });

    it('201–205: MoveTables commerce2customer appears with its streams, switches reads then writes, and completes', async () => {
      await run('201_customer_tablets.sh');
      await page.locator('#keyspaces [data-shard="customer/0"] .tablet').nth(2).waitFor();
      await run('202_move_tables.sh');
      const wf = page.locator('[data-workflow="customer.commerce2customer"]');
      await wf.waitFor();
      expect(await wf.innerText()).toContain('MoveTables');
      expect(await wf.innerText()).toMatch(/commerce\/0 → customer\/0/);
      await page.locator('#routing [data-table="customer"] .rule', { hasText: 'commerce.customer' }).first().waitFor();
      await shot('202-move-tables');
      await run('203_switch_reads.sh');
      await wf.locator('[data-traffic="reads"][data-switched="true"]').waitFor();
      expect(await wf.locator('[data-traffic="writes"]').getAttribute('data-switched')).toBe('false');
      await run('204_switch_writes.sh');
      await wf.locator('[data-traffic="writes"][data-switched="true"]').waitFor();
      await shot('204-switch-writes');
      await run('205_clean_commerce.sh');
      await wf.waitFor({ state: 'detached' });
      const timeline = await text('#timeline');
      expect(timeline).toContain('workflow customer.commerce2customer created: MoveTables commerce → customer');
      expect(timeline).toMatch(/copy done: customer\/0 stream \d+ of commerce2customer copied \d+ rows from commerce\/0/);
      expect(timeline).toMatch(/reads switched for customer\.commerce2customer \(RDONLY, REPLICA\)/);
      expect(timeline).toMatch(/writes switched for customer\.commerce2customer \(PRIMARY\)/);
      expect(timeline).toContain('workflow customer.commerce2customer completed');
    });

    it('a VStream client on customer/0 is listed with its filter, tablet type and the shard in its VGTID', async () => {
      const grpc = cluster.vtgate!.grpcAddress!;
      client = VtgateClient.connect(`${grpc.host}:${grpc.port}`, { enums: 'names' });
      const stream = client.vstream({
        tablet_type: 'PRIMARY',
        vgtid: { shard_gtids: [{ keyspace: 'customer', shard: '0', gtid: '' }] },
        filter: { rules: [{ match: 'customer', filter: 'select * from customer' }] },
      }, clientAbort.signal);
      clientDone = (async () => {
        for await (const _ of stream) clientResponses++;
      })().catch(() => undefined);
      const card = page.locator('#vstreams [data-vstream]');
      await card.waitFor();
      await page.locator('#vstreams [data-vstream][data-shards="0"]').waitFor();
      const shown = await card.innerText();
      expect(shown).toContain('PRIMARY');
      expect(shown).toContain('customer: select * from customer');
      expect(shown).toMatch(/customer\/0\s*[0-9a-f]{8}…:1-\d+/);
      await expect.poll(() => card.innerText()).toMatch(/\d+ events sent · last event (VGTID|COMMIT|COPY_COMPLETED|HEARTBEAT)/);
      expect(clientResponses).toBeGreaterThan(0);
      await shot('205-vstream-client');
    });

    it('301–303: the new shards -80 and 80- are drawn as halves, not serving, and the copy of cust2cust shows its progress', async () => {
      await run('301_customer_sharded.sh');
      await run('302_new_shards.sh');
      for (const [shard, style] of [['-80', /left: ?0%; ?width: ?50%/], ['80-', /left: ?50%; ?width: ?50%/]] as const) {
        const row = page.locator(`#keyspaces [data-shard="customer/${shard}"]`);
        await row.locator('.tablet').nth(2).waitFor();
        expect(await row.getAttribute('data-serving')).toBe('false');
        expect(await row.locator('.segment').getAttribute('style')).toMatch(style);
        expect(await row.innerText()).toContain('not serving');
      }
      expect(await page.locator('#keyspaces [data-shard="customer/0"]').getAttribute('data-serving')).toBe('true');
      await shot('302-new-shards');
      // Slow motion (the fault vocabulary's copy throttle): the class watches the bar move.
      await cluster.faults.copyRate({ rowsPerSec: 2 });
      const reshard = run('303_reshard.sh');
      const wf = page.locator('[data-workflow="customer.cust2cust"]');
      const bar = wf.locator('.progress');
      await bar.waitFor({ timeout: 20_000 });
      expect(await wf.locator('.state').innerText()).toBe('Copying');
      // 5 customers and 5 orders on customer/0, copied at 2 rows/s: the bar moves while the class watches.
      expect(await bar.innerText()).toMatch(/^copying (corder, )?customer\s+\d \/ 10 rows \(\d+%\)$/);
      await expect.poll(async () => Number(await bar.getAttribute('data-percentage')), { timeout: 10_000 }).toBeGreaterThan(0);
      await shot('303-reshard-copying');
      await cluster.faults.heal();
      await reshard;
      await wf.locator('.state[data-state="Running"]').waitFor();
      expect(await wf.innerText()).toMatch(/Reshard/);
      expect(await wf.locator('tr').count()).toBe(3); // the header and one stream per target shard
      expect(await text('#timeline')).toContain('workflow customer.cust2cust created: Reshard 0 → -80, 80-');
      await shot('303-reshard-running');
    });

    it('304–305: reads, then writes switch; the client moves from 0 to -80 and 80- at the journal, on the timeline too', async () => {
      await run('304_switch_reads.sh');
      const wf = page.locator('[data-workflow="customer.cust2cust"]');
      await wf.locator('[data-traffic="reads"][data-switched="true"]').waitFor();
      for (const shard of ['-80', '80-']) {
        expect(await page.locator(`#keyspaces [data-shard="customer/${shard}"] .served`).innerText()).toMatch(/serving (RDONLY, REPLICA|REPLICA, RDONLY) only/);
      }
      expect(await page.locator('#vstreams [data-vstream]').getAttribute('data-shards')).toBe('0');
      await shot('304-switch-reads');
      await run('305_switch_writes.sh');
      await wf.locator('[data-traffic="writes"][data-switched="true"]').waitFor();
      const card = page.locator('#vstreams [data-vstream]');
      await expect.poll(async () => (await card.getAttribute('data-shards'))?.split(',').sort()).toEqual(['-80', '80-']);
      expect(await card.locator('.shard-pos').evaluateAll((els) => els.map((e) => e.getAttribute('data-shard')).sort())).toEqual(['customer/-80', 'customer/80-']);
      await page.locator('#keyspaces [data-shard="customer/-80"][data-serving="true"]').waitFor();
      await page.locator('#keyspaces [data-shard="customer/0"][data-serving="false"]').waitFor();
      const timeline = await text('#timeline');
      expect(timeline).toMatch(/journal \d+ written on 0 for customer\.cust2cust/);
      expect(timeline).toMatch(/VStream client #\d+ moved customer\/0 → customer\/(80-, customer\/-80|-80, customer\/80-) at journal \d+/);
      const move = page.locator('#timeline li[data-kind="vstream"]');
      expect(await move.count()).toBe(1);
      await shot('305-switch-writes');
    });

    it('306: Complete removes the workflow and shard 0; the client streams on from -80 and 80-', async () => {
      await run('mysql -e "insert into customer');
      await run('306_down_shard_0.sh');
      await page.locator('[data-workflow="customer.cust2cust"]').waitFor({ state: 'detached' });
      await page.locator('#keyspaces [data-shard="customer/0"]').waitFor({ state: 'detached' });
      expect(await page.locator('[data-keyspace="customer"] [data-shard]').evaluateAll((els) => els.map((e) => e.getAttribute('data-shard')))).toEqual(['customer/-80', 'customer/80-']);
      expect(await text('#timeline')).toContain('workflow customer.cust2cust completed');
      await shot('306-down-shard-0');
    });

    it('large-text mode is a toggle remembered in the address', async () => {
      await page.click('#large');
      expect(new URL(page.url()).searchParams.get('large')).toBe('1');
      expect(await page.locator('body').getAttribute('class')).toContain('large');
      await shot('large-text');
      await page.reload();
      await page.locator('#connection[data-state="live"]').waitFor();
      expect(await page.locator('body').getAttribute('class')).toContain('large');
      await page.click('#large');
      expect(new URL(page.url()).searchParams.has('large')).toBe(false);
    });
  });
}
