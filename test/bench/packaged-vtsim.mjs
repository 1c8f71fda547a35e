/**
 * The installable package as users get it: `tools/package.mjs` (npm run package: every executable
 * one esbuild bundle, the .proto files beside it) packed into a temporary directory and unpacked,
 * once per bench run; its executables' paths.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/**
 * The unpacked package's executables (`vtsim`, `vttestserver`).
 * @typedef {object} PackagedVtsim
 * @property {string} vtsim path of the package's `dist/main.js`
 * @property {string} vttestserver path of the package's `dist/vttestserver.js`
 */

/** @type {PackagedVtsim | undefined} */
let packaged;

/**
 * Packs and unpacks vtsim (about 15 s) the first time it is called in this process, and returns
 * the same executables after; the directory is removed when the process exits.
 * @returns {PackagedVtsim}
 */
export function packagedVtsim() {
  if (packaged) return packaged;
  const dir = mkdtempSync(join(tmpdir(), 'vtsim-bench-package-'));
  process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
  execFileSync(process.execPath, [join(ROOT, 'tools/package.mjs'), '--out', dir], { stdio: 'ignore' });
  const tarball = readdirSync(dir).find((f) => f.endsWith('.tgz'));
  if (!tarball) throw new Error(`tools/package.mjs wrote no tarball in ${dir}`);
  execFileSync('tar', ['-xzf', join(dir, tarball), '-C', dir]);
  packaged = { vtsim: join(dir, 'package/dist/main.js'), vttestserver: join(dir, 'package/dist/vttestserver.js') };
  return packaged;
}
