// Issue 10, item 5, as a user gets it: the tarball `npm run package` writes is installed (offline,
// empty npm cache) into a separate project, test/fixtures/api-consumer, whose test runner, compiler
// and mysql2 are this repository's (linked, nothing comes from the registry). tsc type-checks the
// project's test against the package's one bundled .d.ts (and refuses a wrong call, so the types
// are real), then vitest runs it: a cluster started in the test's process, resharded with a
// VStream client attached, closed with nothing left listening.
import { cpSync, mkdtempSync, readFileSync, readdirSync, realpathSync, rmSync, symlinkSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { VTSIM_ROOT } from '@vtsim/proto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runProcess } from '../harness/vtsim-cli.js';

/** What the fixture project takes from this repository's node_modules. */
const LINKED = ['vitest', 'typescript', 'mysql2', '@types/node'];

describe('the vtsim package used from another project', () => {
  const place = mkdtempSync(join(tmpdir(), 'vtsim-api-'));
  const project = join(place, 'project');
  const tsc = (...args: string[]) => runProcess(process.execPath, [join(project, 'node_modules', 'typescript', 'bin', 'tsc'), ...args], { env: process.env, cwd: project });

  beforeAll(async () => {
    const packed = await runProcess(process.execPath, [join(VTSIM_ROOT, 'tools', 'package.mjs'), '--out', join(place, 'dist')], { env: process.env });
    expect(packed.stderr).toBe('');
    const tarball = packed.stdout.trim();
    expect(tarball).toMatch(/vtsim-\d+\.\d+\.\d+\.tgz$/);
    cpSync(join(VTSIM_ROOT, 'test', 'fixtures', 'api-consumer'), project, { recursive: true });
    const installed = await runProcess('npm', ['install', '--offline', '--cache', join(place, 'npm-cache'), '--no-save', '--no-audit', '--no-fund', tarball], { env: process.env, cwd: project });
    expect(installed.code, installed.stderr).toBe(0);
    for (const name of LINKED) {
      mkdirSync(join(project, 'node_modules', name, '..'), { recursive: true });
      symlinkSync(realpathSync(join(VTSIM_ROOT, 'node_modules', name)), join(project, 'node_modules', name), 'dir');
    }
  }, 180_000);

  afterAll(() => rmSync(place, { recursive: true, force: true }));

  it('exports an ES module entry with one bundled .d.ts and no @vtsim/* imports', () => {
    const root = join(project, 'node_modules', 'vtsim');
    const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { exports: Record<string, unknown>; types: string; dependencies?: unknown };
    expect(pkg.exports['.']).toEqual({ types: './dist/index.d.ts', import: './dist/index.js' });
    expect(pkg.types).toBe('dist/index.d.ts');
    expect(pkg.dependencies).toBeUndefined();
    expect(readdirSync(join(root, 'dist')).filter((f) => f.endsWith('.d.ts'))).toEqual(['index.d.ts']);
    const types = readFileSync(join(root, 'dist', 'index.d.ts'), 'utf8');
    expect(types).not.toMatch(/@vtsim\//);
    expect(types).toMatch(/export declare function startCluster\(/);
  });

  it('type-checks the project against the bundled declarations, and refuses a wrong call', async () => {
    const ok = await tsc('-p', 'tsconfig.json');
    expect(ok.stdout + ok.stderr).toBe('');
    expect(ok.code).toBe(0);
    writeFileSync(join(project, 'wrong.spec.ts'), "import { startCluster } from 'vtsim';\nawait startCluster({ keyspaces: [{ name: 1 }] });\n");
    try {
      const wrong = await tsc('-p', 'tsconfig.json');
      expect(wrong.code).not.toBe(0);
      expect(wrong.stdout).toContain("wrong.spec.ts(2,36): error TS2322: Type 'number' is not assignable to type 'string'.");
    } finally {
      rmSync(join(project, 'wrong.spec.ts'));
    }
  }, 120_000);

  it("runs the project's vitest test: a reshard with a VStream client attached", async () => {
    const run = await runProcess(process.execPath, [join(project, 'node_modules', 'vitest', 'vitest.mjs'), 'run', '--reporter', 'verbose'], { env: { ...process.env, CI: 'true', NO_COLOR: '1' }, cwd: project });
    expect(run.code, run.stdout + run.stderr).toBe(0);
    expect(run.stdout).toContain('moves from 0 to -80/80- with no event lost');
    expect(run.stdout).toMatch(/Tests\s+1 passed/);
  }, 120_000);
});
