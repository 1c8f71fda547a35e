/**
 * The live view's cost (issue 12): the Reshard copy rate of reshard-bench.mjs (1,000,000 rows,
 * `0 → -80,80-`) with the view open in headless Chromium (Debian's, driven by playwright-core,
 * watching the server-sent events for the whole copy) next to the rate without it. Each side runs
 * in its own process (component-process.mjs); the ratio's target is ≥ 0.9.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startControlServer } from '@vtsim/cli';
import { measureCopy } from './reshard-bench.mjs';

const CHROMIUM = '/usr/bin/chromium';
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
const ROWS = 1_000_000;

/** Why the benchmark cannot run here, or undefined when it can. */
export function webViewSkip() {
  return existsSync(CHROMIUM) ? undefined : `web view benchmark skipped: ${CHROMIUM} is missing (apt-get install chromium)`;
}

/**
 * One copy, timed, with the live view open in Chromium (`withView`) or not.
 * @param {{ withView: boolean }} opts
 * @returns {Promise<import('./report.mjs').Figure[]>}
 */
export async function benchWebViewCopy({ withView }) {
  const { seconds } = await measureCopy({ watch: withView ? openView : undefined });
  return [{
    id: withView ? 'web.copy_rows_view_open' : 'web.copy_rows_no_view',
    what: `Reshard copy rate, ${ROWS.toLocaleString('en-US')} rows, ${withView ? 'live view open in Chromium' : 'no browser'}`,
    value: ROWS / seconds,
    unit: 'rows/s',
    detail: `create to both streams Running: ${seconds.toFixed(1)} s`,
  }];
}

/**
 * The ratio figure of the two copies.
 * @param {import('./report.mjs').Figure} without
 * @param {import('./report.mjs').Figure} withView
 * @returns {import('./report.mjs').Figure}
 */
export function webViewRatio(without, withView) {
  return {
    id: 'web.copy_rate_ratio',
    what: 'Reshard copy rate with the live view open / without',
    value: withView.value / without.value,
    unit: '×',
    target: { op: '>=', value: 0.9 },
    detail: `${Math.round(withView.value).toLocaleString('en-US')} vs ${Math.round(without.value).toLocaleString('en-US')} rows/s`,
  };
}

/** Serves the view on a free port and opens it in Chromium until closed; the page must be live first. */
async function openView(cluster) {
  const { chromium } = await import('playwright-core');
  const control = await startControlServer(cluster, '127.0.0.1', 0, () => undefined);
  const profile = mkdtempSync(join(tmpdir(), 'vtsim-bench-chromium-'));
  const browser = await chromium.launchPersistentContext(profile, { executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
  const page = browser.pages()[0] ?? (await browser.newPage());
  await page.goto(`http://127.0.0.1:${control.port}/`);
  await page.locator('#connection[data-state="live"]').waitFor({ timeout: 30_000 });
  return {
    async close() {
      await browser.close();
      await control.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}
