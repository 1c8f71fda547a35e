// The dependency direction of DESIGN.md, enforced: every import in every package's sources is
// checked against the layer table below, so a change that points an arrow back up fails `npm test`.
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

/** Which workspace packages each package may import (its own name is always allowed). */
const allowed: Record<string, string[]> = {
  proto: [],
  topo: ['proto'],
  binlog: ['proto'],
  sql: ['proto'],
  vindexes: ['proto'],
  vttablet: ['proto', 'sql', 'vindexes', 'binlog', 'topo'],
  vtgate: ['proto', 'sql', 'vindexes', 'binlog', 'topo', 'vttablet'],
  vtctld: ['proto', 'sql', 'vindexes', 'binlog', 'topo', 'vttablet'],
  vtorc: ['proto', 'binlog', 'topo', 'vttablet', 'vtctld'],
  etcd2topo: ['proto', 'topo'],
  web: ['proto', 'binlog', 'topo', 'vttablet', 'vtgate', 'vtctld'],
  cli: ['proto', 'sql', 'vindexes', 'binlog', 'topo', 'etcd2topo', 'vttablet', 'vtgate', 'vtctld', 'vtorc', 'web'],
};

/** Packages that must stay free of gRPC and sockets (pure cores). */
const noNetwork = new Set(['proto', 'topo', 'binlog', 'sql', 'vindexes']);

function packageDirs(root: string): Array<{ name: string; dir: string }> {
  const dirs = [{ name: 'proto', dir: join(root, 'proto') }];
  for (const name of readdirSync(join(root, 'packages'))) dirs.push({ name, dir: join(root, 'packages', name) });
  return dirs;
}

function sourceFiles(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const entry of readdirSync(d)) {
      const p = join(d, entry);
      if (statSync(p).isDirectory()) walk(p);
      else if (/\.(ts|mts|js|mjs)$/.test(entry) && !entry.endsWith('.d.ts')) out.push(p);
    }
  };
  walk(join(dir, 'src'));
  return out;
}

const importRe = /(?:^|\n)\s*(?:import|export)\s[^'"]*?from\s*['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g;

function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const specs: string[] = [];
  for (const m of text.matchAll(importRe)) specs.push((m[1] ?? m[2])!);
  return specs;
}

/** Every violation in the workspace at `root`, as readable lines. */
function layeringViolations(root: string): string[] {
  const problems: string[] = [];
  // The entry points each package declares in its package.json `exports` ('.', './client', …):
  // importing one of them is using the package's public API.
  const entryPoints = new Map<string, Set<string>>();
  for (const { name, dir } of packageDirs(root)) {
    const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { exports?: Record<string, unknown> };
    entryPoints.set(name, new Set(Object.keys(pkg.exports ?? {})));
  }
  for (const { name, dir } of packageDirs(root)) {
    const may = allowed[name];
    if (!may) {
      problems.push(`package '${name}' has no place in the layer table of test/layering/layering.test.ts`);
      continue;
    }
    const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { dependencies?: Record<string, string> };
    for (const dep of Object.keys(pkg.dependencies ?? {})) {
      const m = /^@vtsim\/(.+)$/.exec(dep);
      if (m && !may.includes(m[1]!)) problems.push(`${relative(root, dir)}/package.json depends on ${dep}, against the dependency direction`);
    }
    for (const file of sourceFiles(dir)) {
      const where = relative(root, file);
      for (const spec of importsOf(file)) {
        const ws = /^@vtsim\/([^/]+)(\/.*)?$/.exec(spec);
        if (ws) {
          if (ws[1] !== name && !may.includes(ws[1]!)) problems.push(`${where} imports ${spec}: ${name} may not depend on ${ws[1]}`);
          if (ws[2] && !entryPoints.get(ws[1]!)?.has(`.${ws[2]}`)) problems.push(`${where} imports ${spec}: import a package's public API, not its files`);
        } else if (spec.startsWith('.')) {
          const target = resolve(dirname(file), spec);
          if (!target.startsWith(join(dir, 'src'))) problems.push(`${where} imports ${spec}: relative import leaves its package`);
        } else if (noNetwork.has(name) && /^(@grpc\/|node:net$|net$|node:http|http$|node:dgram)/.test(spec)) {
          problems.push(`${where} imports ${spec}: ${name} is a pure core and must not touch the network`);
        }
      }
    }
  }
  return problems;
}

describe('dependency direction (DESIGN.md)', () => {
  it('every package imports only the layers below it', () => {
    expect(layeringViolations(repoRoot)).toEqual([]);
  });

  it('reports upward imports, deep imports, escaping relative imports and network use in a pure core', () => {
    const tree = mkdtempSync(join(tmpdir(), 'vtsim-layering-'));
    const pkg = (dir: string, deps: Record<string, string>, source: string, exports?: Record<string, string>) => {
      mkdirSync(join(tree, dir, 'src'), { recursive: true });
      writeFileSync(join(tree, dir, 'package.json'), JSON.stringify({ dependencies: deps, exports }));
      writeFileSync(join(tree, dir, 'src', 'index.ts'), source);
    };
    pkg('proto', {}, 'export const x = 1;\n');
    pkg('packages/topo', { '@vtsim/vtgate': 'workspace:*' }, "import { Vtgate } from '@vtsim/vtgate';\nimport * as grpc from '@grpc/grpc-js';\nexport { Vtgate, grpc };\n");
    pkg('packages/vtgate', {}, "import { Mysqld } from '@vtsim/vttablet/src/mysqld/mysqld.js';\nimport { y } from '../../topo/src/index.js';\nimport { Client } from '@vtsim/vttablet/client';\nexport { Mysqld, y, Client };\n");
    // A declared entry point other than '.' is public API too.
    pkg('packages/vttablet', {}, 'export const Client = 1;\n', { '.': './src/index.ts', './client': './src/index.ts' });
    const found = layeringViolations(tree);
    rmSync(tree, { recursive: true, force: true });
    expect(found).toEqual([
      'packages/topo/package.json depends on @vtsim/vtgate, against the dependency direction',
      'packages/topo/src/index.ts imports @vtsim/vtgate: topo may not depend on vtgate',
      'packages/topo/src/index.ts imports @grpc/grpc-js: topo is a pure core and must not touch the network',
      'packages/vtgate/src/index.ts imports @vtsim/vttablet/src/mysqld/mysqld.js: import a package\'s public API, not its files',
      'packages/vtgate/src/index.ts imports ../../topo/src/index.js: relative import leaves its package',
    ]);
  });
});
