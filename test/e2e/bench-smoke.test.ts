// Smoke test of the benchmarks (issue 13), so that their code cannot rot: `pnpm bench`'s entry
// point with the figures measured next to a reference (`--only references`), small data
// (`--quick`) and short windows, checked for the table, one JSON line per expected figure with a
// positive value, and the ratios to MariaDB, to the bare gRPC server and of a tablet holding many
// rows to one holding few (10,000 ÷ 1,000 with --quick). It never asserts speed:
// met or not is the benchmark's business. Without mariadbd the bench prints a skip line and no
// MariaDB ratios; here that skips their checks with a message, except under CI, where it fails.
// A second run, `--only processes --quick`, covers process mode (issue 14): the bench cluster with
// one tablet per shard as etcd + vtctld + vttablet processes + vtgate next to `vtsim up`, and the
// local example's start-up with TOPO=etcd2 VTSIM_PROCESSES=1; it runs with a private TMPDIR, which
// must be empty afterwards, and no process that inherited it may still run. Without etcd it checks
// the skip line.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { VTSIM_ROOT } from '@vtsim/proto';
import { ensureCliBuilt, runProcess, type ProcessRun } from '../harness/vtsim-cli.js';

/** True when Debian's mariadb-server (mariadbd) is installed, as the bench looks for it. */
const mariadbInstalled = existsSync('/usr/sbin/mariadbd') || spawnSync('mariadbd', ['--version'], { stdio: 'ignore' }).status === 0;

/** True when Debian's etcd-server is installed where the process-mode bench looks for it. */
const etcdInstalled = existsSync('/usr/bin/etcd');

/** One JSON line of the bench's output. */
interface FigureLine {
  id: string;
  what: string;
  value: number;
  unit: string;
  target: { op: string; value: number } | null;
  met: boolean | null;
  comparable?: false;
  detail: string | null;
}

const CLUSTER_IDS = ['time_to_serve', 'create_database_to_insert', 'point_selects', 'single_row_inserts', 'multi_row_insert_rows'].map((f) => `cluster.${f}`);
const VSTREAM_IDS = ['copy_changes_plain', 'copy_changes_types', 'copy_types_ratio', 'streaming_changes_plain', 'streaming_changes_types', 'streaming_types_ratio',
  'streaming_changes_1k_rows_held', 'streaming_changes_1m_rows_held'].map((f) => `vstream.${f}`);
const REFERENCE_IDS = ['bare_grpc.copy_changes', 'bare_grpc.streaming_changes', 'ratio.vstream_copy_vs_bare_grpc', 'ratio.vstream_streaming_vs_bare_grpc', 'ratio.streaming_1m_vs_1k_rows'];
const MARIADB_IDS = [...['time_to_serve', 'point_selects', 'single_row_inserts', 'multi_row_insert_rows'].flatMap((f) => [`mariadb.${f}`, `ratio.${f}_vs_mariadb`]), 'node.time_to_serve_floor'];
/** The ratio targets of issue 13. */
const RATIO_TARGETS: Record<string, { op: string; value: number }> = {
  'ratio.point_selects_vs_mariadb': { op: '>=', value: 1 },
  'ratio.single_row_inserts_vs_mariadb': { op: '>=', value: 0.8 },
  'ratio.multi_row_insert_rows_vs_mariadb': { op: '>=', value: 1 },
  'ratio.time_to_serve_vs_mariadb': { op: '<=', value: 0.5 },
  'ratio.vstream_copy_vs_bare_grpc': { op: '>=', value: 0.5 },
  'ratio.vstream_streaming_vs_bare_grpc': { op: '>=', value: 0.5 },
  'ratio.streaming_1m_vs_1k_rows': { op: '>=', value: 0.8 },
};

/** The JSON lines of a run's stdout by id, checked unique. */
function figuresOf(run: ProcessRun): Map<string, FigureLine> {
  const lines = run.stdout.split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as FigureLine);
  const figures = new Map(lines.map((f) => [f.id, f]));
  expect(figures.size, 'one JSON line per figure, ids unique').toBe(lines.length);
  return figures;
}

describe('pnpm bench (smoke: short windows, small data)', () => {
  let run: ProcessRun;
  let figures: Map<string, FigureLine>;

  beforeAll(async () => {
    await ensureCliBuilt();
    run = await runProcess(process.execPath, [join(VTSIM_ROOT, 'test/bench/run.mjs'), '--only', 'references', '--quick', '--seconds', '0.2', '--warmup', '0', '--connections', '4'], { env: process.env });
    figures = figuresOf(run);
  }, 150_000);

  it('exits 0 with the summary, the table and a JSON line per figure, every value positive', () => {
    expect(run.code, run.stderr.slice(-3000)).toBe(0);
    expect(run.stdout).toMatch(/^vtsim benchmarks: \d+ cores .*; before the run: other processes \d+\.\d\d cores, load average \d+\.\d\d \(over 1 s\)/m);
    expect(run.stdout).toMatch(/^what +figure +target +met\?$/m);
    for (const id of [...CLUSTER_IDS, ...VSTREAM_IDS, ...REFERENCE_IDS]) {
      const f = figures.get(id);
      expect(f, `figure ${id}`).toBeDefined();
      expect(f!.value, id).toBeGreaterThan(0);
      expect(Number.isFinite(f!.value), id).toBe(true);
      expect(run.stdout, id).toContain(`\n${f!.what}  `);
    }
  });

  it('gives each ratio its target, met decided unless the two sides ran under different loads', () => {
    const ratios = [...figures.values()].filter((f) => f.id.startsWith('ratio.'));
    expect(ratios.length).toBeGreaterThanOrEqual(2);
    for (const f of ratios) {
      expect(f.target, f.id).toEqual(RATIO_TARGETS[f.id]);
      expect(f.unit).toBe('×');
      if (f.comparable === false) {
        expect(f.met, f.id).toBeNull();
        expect(f.detail, f.id).toMatch(/^not comparable: other processes used/);
      } else {
        expect(f.met, f.id).toBe(f.target!.op === '>=' ? f.value >= f.target!.value : f.value <= f.target!.value);
        expect(f.detail, f.id).toMatch(/ran with other processes \d+\.\d\d cores/);
      }
    }
    const copy = figures.get('ratio.vstream_copy_vs_bare_grpc')!;
    const expected = figures.get('vstream.copy_changes_plain')!.value / figures.get('bare_grpc.copy_changes')!.value;
    expect(copy.value).toBeCloseTo(expected, 1);
  });

  it('measures MariaDB next to vtsim, or says it skipped it', () => {
    if (!mariadbInstalled) {
      if (process.env.CI) expect.fail('mariadbd is not installed; .ci/run installs mariadb-server');
      console.warn('bench smoke: mariadbd is not installed (apt-get install mariadb-server); checking the skip line only');
      expect(run.stdout).toContain('MariaDB reference skipped: mariadbd is not installed');
      expect(MARIADB_IDS.filter((id) => figures.has(id))).toEqual([]);
      return;
    }
    expect(run.stdout).not.toContain('MariaDB reference skipped');
    for (const id of MARIADB_IDS) {
      const f = figures.get(id);
      expect(f, `figure ${id}`).toBeDefined();
      expect(f!.value, id).toBeGreaterThan(0);
    }
    expect(figures.get('mariadb.point_selects')!.detail).toContain("MySQL 8's default sql_mode");
    const floor = figures.get('node.time_to_serve_floor')!;
    expect(floor.detail).toContain(`${(floor.value / figures.get('mariadb.time_to_serve')!.value).toFixed(2)}× MariaDB's time to serve`);
    const selects = figures.get('ratio.point_selects_vs_mariadb')!;
    expect(selects.value).toBeCloseTo(figures.get('cluster.point_selects')!.value / figures.get('mariadb.point_selects')!.value, 1);
  });
});

/** The figures of the process-mode pass with --quick (the in-memory local example is not timed then). */
const PROCESS_IDS = ['time_to_serve', 'point_selects', 'multi_row_insert_rows']
  .flatMap((f) => [`processes.${f}`, `in_memory.${f}`, `ratio.${f}_processes_vs_memory`])
  .concat('processes.local_example_start');

describe('pnpm bench --only processes (smoke: one tablet per shard, short windows)', () => {
  const privateTmp = mkdtempSync(join(tmpdir(), 'vtsim-bench-smoke-'));
  let run: ProcessRun;
  let figures: Map<string, FigureLine>;

  beforeAll(async () => {
    await ensureCliBuilt();
    run = await runProcess(process.execPath, [join(VTSIM_ROOT, 'test/bench/run.mjs'), '--only', 'processes', '--quick', '--seconds', '0.2', '--warmup', '0', '--connections', '4'],
      { env: { ...process.env, TMPDIR: privateTmp } });
    figures = figuresOf(run);
  }, 150_000);

  afterAll(() => rmSync(privateTmp, { recursive: true, force: true }));

  it('measures process mode next to memory, with the ratios, or says it skipped it; leaves nothing running', () => {
    expect(run.code, run.stderr.slice(-3000)).toBe(0);
    if (!etcdInstalled) {
      if (process.env.CI) expect.fail('etcd is not installed; .ci/run installs etcd-server');
      console.warn('bench smoke: etcd is not installed (apt-get install etcd-server); checking the skip line only');
      expect(run.stdout).toContain('process-mode benchmarks skipped: etcd is not installed');
      expect(figures.size).toBe(0);
      return;
    }
    expect([...figures.keys()].sort()).toEqual([...PROCESS_IDS].sort());
    for (const f of figures.values()) {
      expect(f.value, f.id).toBeGreaterThan(0);
      expect(run.stdout, f.id).toContain(`\n${f.what}  `);
    }
    for (const name of ['time_to_serve', 'point_selects', 'multi_row_insert_rows']) {
      const ratio = figures.get(`ratio.${name}_processes_vs_memory`)!;
      expect(ratio.unit).toBe('×');
      expect(ratio.value, ratio.id).toBeCloseTo(figures.get(`processes.${name}`)!.value / figures.get(`in_memory.${name}`)!.value, 1);
      expect(ratio.target, ratio.id).toEqual(name === 'multi_row_insert_rows' ? { op: '>=', value: 1.5 } : null);
    }
    const inserts = figures.get('ratio.multi_row_insert_rows_processes_vs_memory')!;
    expect(inserts.met).toBe(inserts.comparable === false ? null : inserts.value >= 1.5);
    // One process per component: etcd, vtctld, a vttablet per shard's tablet, vtgate.
    expect(figures.get('processes.time_to_serve')!.detail).toContain('; 6 processes;');
    expect(figures.get('processes.point_selects')!.detail).toMatch(/server CPU per op by process: .*vtgate \d+\.\d\d µs/);
    expect(figures.get('processes.local_example_start')!.detail).toMatch(/TOPO=etcd2 VTSIM_PROCESSES=1: 7 processes left running; .*not timed in memory \(--quick\)$/);
    // Every cluster, etcd and example the bench started is gone, with its temporary directory.
    expect(readdirSync(privateTmp)).toEqual([]);
    const inTmp = readdirSync('/proc').filter((pid) => /^\d+$/.test(pid)).filter((pid) => {
      try {
        return readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0').includes(`TMPDIR=${privateTmp}`);
      } catch {
        return false;
      }
    });
    expect(inTmp, 'processes still running in the bench\'s temporary directory').toEqual([]);
  });
});
