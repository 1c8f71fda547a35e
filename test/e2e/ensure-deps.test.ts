// Issue 12, item 2: the first run's install step (tools/ensure-deps.mjs, which `npm run example`
// runs first) prints one short line instead of the package manager's output, and on failure
// prints that output and exits non-zero. Runs the script in a scratch workspace with one local
// dependency and its lockfile (as the repository has one), so that pnpm needs no network.
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { VTSIM_ROOT } from '@vtsim/proto';
import { runProcess } from '../harness/vtsim-cli.js';

/** The scratch workspace's lockfile, as pnpm 10 writes it (the install runs with --frozen-lockfile, as in the repository). */
const LOCKFILE = `lockfileVersion: '9.0'

settings:
  autoInstallPeers: true
  excludeLinksFromLockfile: false

importers:

  .:
    dependencies:
      dep:
        specifier: file:./dep
        version: file:dep

packages:

  dep@file:dep:
    resolution: {directory: dep, type: directory}

snapshots:

  dep@file:dep: {}
`;

const pnpm = spawnSync('pnpm', ['--version'], { encoding: 'utf8' });
const pnpmVersion = pnpm.status === 0 ? pnpm.stdout.trim() : undefined;
if (!pnpmVersion) console.warn('ensure-deps test skipped: no pnpm on PATH (the script would fetch it through npx, from the network)');

describe.skipIf(!pnpmVersion)('tools/ensure-deps.mjs', () => {
  let root: string;
  const run = () => runProcess(process.execPath, [join(root, 'tools/ensure-deps.mjs')], { cwd: root });
  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'vtsim-ensure-deps-'));
    mkdirSync(join(root, 'tools'));
    mkdirSync(join(root, 'dep'));
    copyFileSync(join(VTSIM_ROOT, 'tools/ensure-deps.mjs'), join(root, 'tools/ensure-deps.mjs'));
    writeFileSync(join(root, 'dep/package.json'), JSON.stringify({ name: 'dep', version: '1.0.0' }));
    writeFileSync(join(root, 'package.json'), JSON.stringify({ name: 'scratch', private: true, packageManager: `pnpm@${pnpmVersion}`, dependencies: { dep: 'file:./dep' } }));
    writeFileSync(join(root, 'pnpm-lock.yaml'), LOCKFILE);
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it('installs with one line on stderr, then does nothing while node_modules is up to date', async () => {
    const first = await run();
    expect(first.code).toBe(0);
    expect(first.stdout).toBe('');
    expect(first.stderr).toMatch(/^vtsim: installing dependencies… done \(\d+ s\)\n$/);
    expect(existsSync(join(root, 'node_modules/.modules.yaml'))).toBe(true);
    expect(existsSync(join(root, 'node_modules/dep/package.json'))).toBe(true);
    const again = await run();
    expect(again).toEqual({ code: 0, stdout: '', stderr: '' });
  }, 60_000);

  it("prints the package manager's output and exits non-zero when the install fails", async () => {
    writeFileSync(join(root, 'pnpm-lock.yaml'), 'lockfileVersion: [broken\n');
    const failed = await run();
    expect(failed.code).not.toBe(0);
    expect(failed.stderr).toMatch(/^vtsim: installing dependencies… failed: pnpm install --frozen-lockfile exited with status [1-9]\d*:\n/);
    // pnpm's own error, as it printed it.
    expect(failed.stderr).toContain('ERR_PNPM_BROKEN_LOCKFILE');
    expect(existsSync(join(root, 'node_modules/.modules.yaml'))).toBe(false);
  }, 60_000);
});
