// Makes a fresh clone runnable with only Node and npm: installs pnpm (the version pinned in
// package.json's packageManager) through npx when it is missing, then installs the workspace's
// dependencies from the committed lockfile whenever node_modules is missing or older than it.
// The install prints one line, `vtsim: installing dependencies… done (12 s)`; the package
// manager's own output (its warnings read as a broken install) shows only when it fails, and then
// this exits with its status.
import { spawn, execSync } from 'node:child_process';
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
  const command = `${pnpm} install${existsSync(lock) ? ' --frozen-lockfile' : ''}`;
  const started = performance.now();
  process.stderr.write('vtsim: installing dependencies… ');
  // stdout and stderr interleaved in one buffer, as a terminal would have shown them.
  const child = spawn(command, { cwd: root, shell: true, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, COREPACK_ENABLE_STRICT: '0' } });
  const output = [];
  child.stdout.on('data', (d) => output.push(d));
  child.stderr.on('data', (d) => output.push(d));
  const status = await new Promise((resolve) => {
    child.on('error', (err) => {
      output.push(Buffer.from(`${err.message}\n`));
      resolve(1);
    });
    child.on('close', (code, signal) => resolve(code ?? (signal ? 1 : 0)));
  });
  if (status !== 0) {
    process.stderr.write(`failed: ${command} exited with status ${status}:\n`);
    process.stderr.write(Buffer.concat(output));
    process.exit(status);
  }
  process.stderr.write(`done (${Math.round((performance.now() - started) / 1000)} s)\n`);
}
