// `npm run package`: builds the installable `vtsim` package, dist/vtsim-<version>.tgz. The
// workspace's TypeScript sources (read through each package's `vtsim-source` export condition)
// and every npm dependency are bundled by esbuild into build/package/dist/ (one ES module per
// executable, shared code split into chunks), next to the `.proto` files (proto/) and the local
// example (scripts/); the package.json written there has no dependencies at all, so installing the
// tarball needs nothing from the registry. `npm pack` then writes the tarball.
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const workspace = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const stage = join(root, 'build', 'package');
const out = join(root, 'dist');

rmSync(stage, { recursive: true, force: true });
mkdirSync(stage, { recursive: true });
mkdirSync(out, { recursive: true });

await build({
  absWorkingDir: root,
  entryPoints: {
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
  // CommonJS dependencies (grpc-js, protobufjs, mysql2) call require() for Node's built-ins.
  banner: { js: "import { createRequire as __vtsimCreateRequire } from 'node:module'; const require = __vtsimCreateRequire(import.meta.url);" },
  // Chunks sit next to the entries: modules find main.js and ../proto/ relative to themselves.
  chunkNames: '[name]-[hash]',
  legalComments: 'linked',
  logLevel: 'warning',
});

cpSync(join(root, 'proto'), join(stage, 'proto'), { recursive: true, filter: (src) => !/[/\\](src|dist|test|node_modules)$/.test(src) && !/\.(json|tsbuildinfo)$/.test(src) });
cpSync(join(root, 'scripts'), join(stage, 'scripts'), { recursive: true });
cpSync(join(root, 'README.md'), join(stage, 'README.md'));

const pkg = {
  name: 'vtsim',
  version: workspace.version,
  description: workspace.description,
  type: 'module',
  engines: workspace.engines,
  bin: { vtsim: 'dist/main.js', vttestserver: 'dist/vttestserver.js', vtctldclient: 'dist/vtctldclient.js' },
  files: ['dist', 'proto', 'scripts', 'README.md'],
};
writeFileSync(join(stage, 'package.json'), `${JSON.stringify(pkg, null, 2)}\n`);

const protos = readdirSync(join(stage, 'proto')).filter((f) => f.endsWith('.proto')).length;
if (protos === 0) throw new Error('no .proto files were staged');
const tarball = execFileSync('npm', ['pack', '--silent', '--pack-destination', out], { cwd: stage, encoding: 'utf8' }).trim().split('\n').pop();
console.log(join(out, tarball));
