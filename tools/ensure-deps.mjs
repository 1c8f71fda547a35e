// Makes a fresh clone runnable with only Node and npm: installs pnpm (the version pinned in
// package.json's packageManager) through npx when it is missing, then installs the workspace's
// dependencies from the committed lockfile whenever node_modules is missing or older than it.
import { execSync } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const pnpmSpec = pkg.packageManager; // e.g. pnpm@10.34.9
const marker = join(root, 'node_modules', '.modules.yaml');
const lock = join(root, 'pnpm-lock.yaml');

const upToDate = existsSync(marker) && (!existsSync(lock) || statSync(marker).mtimeMs >= statSync(lock).mtimeMs);
if (!upToDate) {
  const wanted = pnpmSpec.split('@')[1];
  let pnpm = `npx --yes ${pnpmSpec}`;
  try {
    if (execSync('pnpm --version', { stdio: ['ignore', 'pipe', 'ignore'] }).toString().trim() === wanted) pnpm = 'pnpm';
  } catch {
    // no pnpm on PATH: npx fetches the pinned version from the npm registry
  }
  const frozen = existsSync(lock) ? ' --frozen-lockfile' : '';
  console.error(`vtsim: installing dependencies (${pnpm} install${frozen})`);
  execSync(`${pnpm} install${frozen}`, { cwd: root, stdio: 'inherit', env: { ...process.env, COREPACK_ENABLE_STRICT: '0' } });
}
