// `npm run package`: builds the installable `vtsim` package, dist/vtsim-<version>.tgz. The
// workspace's TypeScript sources (read through each package's `vtsim-source` export condition)
// and every npm dependency are bundled by esbuild into a fresh stage, build/package-*/dist/ (one ES module per
// executable, shared code split into chunks), next to the `.proto` files (proto/), the live
// view's page (web/, from packages/web/assets) and the local example (scripts/); the package.json written there has no dependencies at all, so installing the
// tarball needs nothing from the registry. The package's ES module entry (dist/index.js, the TS
// API: startCluster and the rest of @vtsim/cli's exports) comes with one bundled declaration file,
// dist/index.d.ts, made by dts-bundle-generator from the workspace's declarations (`tsc -b`) with
// every @vtsim/* package inlined. `npm pack` then writes the tarball (to dist/, or `--out DIR`).
// Each run stages in its own directory, so two runs at once (parallel tests) do not collide.
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { generateDtsBundle } from 'dts-bundle-generator';
import { build } from 'esbuild';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const workspace = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const outFlag = process.argv.indexOf('--out');
const out = outFlag > 0 && process.argv[outFlag + 1] ? resolve(process.argv[outFlag + 1]) : join(root, 'dist');
mkdirSync(join(root, 'build'), { recursive: true });
const stage = mkdtempSync(join(root, 'build', 'package-'));
process.on('exit', () => rmSync(stage, { recursive: true, force: true }));
mkdirSync(out, { recursive: true });

await build({
  absWorkingDir: root,
  entryPoints: {
    index: 'packages/cli/src/index.ts',
    main: 'packages/cli/src/main.ts',
    vtctldclient: 'packages/cli/src/vtctldclient/main.ts',
    vttestserver: 'packages/cli/src/vttestserver-main.ts',
  },
  outdir: join(stage, 'dist'),
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  conditions: ['vtsim-source'],
  define: { VTSIM_BUNDLED: 'true' },
  // CommonJS dependencies (grpc-js, protobufjs, mysql2) call require() for Node's built-ins; etcd3
  // loads its .proto files from __dirname/../proto (staged below).
  banner: {
    js: "import { createRequire as __vtsimCreateRequire } from 'node:module'; const require = __vtsimCreateRequire(import.meta.url); " +
      "import { dirname as __vtsimDirname } from 'node:path'; import { fileURLToPath as __vtsimFileURLToPath } from 'node:url'; " +
      'const __dirname = __vtsimDirname(__vtsimFileURLToPath(import.meta.url));',
  },
  // Chunks sit next to the entries: modules find main.js and ../proto/ relative to themselves.
  chunkNames: '[name]-[hash]',
  legalComments: 'linked',
  logLevel: 'warning',
});

// The API's types: the workspace's declarations, bundled into one file with the @vtsim/* packages inlined.
execFileSync(process.execPath, [join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-b'], { cwd: root, stdio: ['ignore', 'inherit', 'inherit'] });
const workspacePackages = readdirSync(join(root, 'packages')).map((name) => `@vtsim/${name}`).concat('@vtsim/proto');
const dtsConfig = join(stage, 'dts-tsconfig.json');
writeFileSync(dtsConfig, JSON.stringify({
  extends: '../../tsconfig.base.json',
  // The built declarations (packages' `types` condition), not the sources.
  compilerOptions: { composite: false, declarationMap: false, sourceMap: false, noEmit: true, customConditions: [], lib: ['ES2023', 'ESNext.Disposable'] },
  files: ['../../packages/cli/dist/index.d.ts'],
}));
const [types] = generateDtsBundle(
  [{ filePath: join(root, 'packages', 'cli', 'dist', 'index.d.ts'), output: { noBanner: true, exportReferencedTypes: false }, libraries: { inlinedLibraries: workspacePackages } }],
  { preferredConfigPath: dtsConfig },
);
if (/from ['"]@vtsim\//.test(types)) throw new Error('the bundled declarations still import a @vtsim/* package');
writeFileSync(join(stage, 'dist', 'index.d.ts'), types);

cpSync(join(root, 'proto'), join(stage, 'proto'), { recursive: true, filter: (src) => !/[/\\](src|dist|test|node_modules)$/.test(src) && !/\.(json|tsbuildinfo)$/.test(src) });
// The etcd client's own .proto files (etcd's rpc, kv and auth), next to ours.
const etcd3Protos = join(root, 'packages', 'etcd2topo', 'node_modules', 'etcd3', 'proto');
for (const f of readdirSync(etcd3Protos)) {
  if (existsSync(join(stage, 'proto', f))) throw new Error(`etcd3's ${f} would replace vtsim's proto/${f}`);
  cpSync(join(etcd3Protos, f), join(stage, 'proto', f));
}
cpSync(join(root, 'scripts'), join(stage, 'scripts'), { recursive: true });
cpSync(join(root, 'packages', 'web', 'assets'), join(stage, 'web'), { recursive: true });
cpSync(join(root, 'README.md'), join(stage, 'README.md'));

const pkg = {
  name: 'vtsim',
  version: workspace.version,
  description: workspace.description,
  type: 'module',
  engines: workspace.engines,
  exports: { '.': { types: './dist/index.d.ts', import: './dist/index.js' }, './package.json': './package.json' },
  types: 'dist/index.d.ts',
  bin: { vtsim: 'dist/main.js', vttestserver: 'dist/vttestserver.js', vtctldclient: 'dist/vtctldclient.js' },
  files: ['dist', 'proto', 'scripts', 'web', 'README.md'],
};
writeFileSync(join(stage, 'package.json'), `${JSON.stringify(pkg, null, 2)}\n`);

const protos = readdirSync(join(stage, 'proto')).filter((f) => f.endsWith('.proto')).length;
if (protos === 0) throw new Error('no .proto files were staged');
if (!readdirSync(join(stage, 'web')).includes('index.html')) throw new Error("the live view's page was not staged");
const tarball = execFileSync('npm', ['pack', '--silent', '--pack-destination', out], { cwd: stage, encoding: 'utf8' }).trim().split('\n').pop();
console.log(join(out, tarball));
