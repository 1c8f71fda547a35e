/**
 * The differential suite's results: per-category and total agreement for each keyspace, and the
 * report file of every disagreement (statement, vtsim's answer, the reference's), grouped into
 * clusters of the same failure so the largest gaps read first; and every statement's answers.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describeOutcome, type Outcome } from './outcome.js';
import type { Statement } from './statements.js';

/** One statement's verdict on one keyspace. */
export interface Verdict {
  stmt: Statement;
  keyspace: 'unsharded' | 'sharded';
  actual: Outcome;
  expected: Outcome;
  /** Why they differ; undefined when they agree. */
  differs?: string;
}

/** Agreement counts of one category (or the total) on one keyspace. */
export interface Tally {
  agree: number;
  total: number;
}

/** Agreement as a percentage with one decimal. */
export function percent(t: Tally): number {
  return t.total === 0 ? 100 : Math.floor((1000 * t.agree) / t.total) / 10;
}

/** Counts agreement per category and in total, per keyspace. */
export function tally(verdicts: Verdict[], keyspace: Verdict['keyspace']): { total: Tally; byCategory: Map<string, Tally> } {
  const total: Tally = { agree: 0, total: 0 };
  const byCategory = new Map<string, Tally>();
  for (const v of verdicts.filter((x) => x.keyspace === keyspace)) {
    const t = byCategory.get(v.stmt.category) ?? { agree: 0, total: 0 };
    byCategory.set(v.stmt.category, t);
    for (const x of [t, total]) {
      x.total++;
      if (!v.differs) x.agree++;
    }
  }
  return { total, byCategory };
}

/** The cluster a disagreement belongs to: vtsim's error with its literals blanked, or the kind of wrong answer. */
function clusterKey(v: Verdict): string {
  if (v.actual.kind === 'error' && v.expected.kind !== 'error') {
    const msg = v.actual.message
      .replace(/^target: .*? desc = /, '')
      .replace(/ \(errno \d+\).*$/s, '')
      .replace(/^.*?(VT\d{5}: )/, '$1')
      .replace(/FUNCTION \S+ does not exist/, 'FUNCTION … does not exist')
      .replace(/'[^']*'|`[^`]*`|"[^"]*"/g, '…')
      .replace(/\d+/g, 'N')
      .slice(0, 90);
    return `refused ${v.actual.errno}: ${msg}`;
  }
  return `wrong answer (${v.differs!.replace(/\d+/g, 'N')}) in ${v.stmt.category}`;
}

/** Writes `report.md`, `summary.json` and `outcomes.json` (every statement's answers) under `dir` and returns the summary lines printed by the test. */
export function writeReport(dir: string, verdicts: Verdict[]): string[] {
  mkdirSync(dir, { recursive: true });
  const u = tally(verdicts, 'unsharded');
  const s = tally(verdicts, 'sharded');
  const categories = [...u.byCategory.keys()];
  const lines = [
    '# vtsim differential suite (reference: MariaDB with MySQL 8 corrections)',
    '',
    '| category | statements | unsharded | sharded |',
    '|---|---:|---:|---:|',
    ...categories.map((c) => {
      const a = u.byCategory.get(c)!;
      const b = s.byCategory.get(c) ?? { agree: 0, total: 0 };
      return `| ${c} | ${a.total} | ${a.agree} (${percent(a)} %) | ${b.agree} (${percent(b)} %) |`;
    }),
    `| **total** | ${u.total.total} | ${u.total.agree} (${percent(u.total)} %) | ${s.total.agree} (${percent(s.total)} %) |`,
    '',
  ];
  const summary = lines.slice(2);
  const bad = verdicts.filter((v) => v.differs);
  const clusters = new Map<string, Verdict[]>();
  for (const v of bad) clusters.set(clusterKey(v), [...(clusters.get(clusterKey(v)) ?? []), v]);
  const ranked = [...clusters].sort((a, b) => b[1].length - a[1].length);
  lines.push('## Disagreement clusters (largest first)', '');
  for (const [key, vs] of ranked) lines.push(`- ${vs.length} × ${key} — e.g. ${vs[0].stmt.category}:${vs[0].stmt.line} \`${vs[0].stmt.sql.slice(0, 100)}\``);
  lines.push('', '## Every disagreement', '');
  for (const v of bad) {
    lines.push(
      `### ${v.stmt.category}:${v.stmt.line} (${v.keyspace}) — ${v.differs}`,
      '```sql', v.stmt.sql, '```',
      `- vtsim: ${describeOutcome(v.actual)}`,
      `- reference${v.stmt.mysql8 ? ` (MySQL 8 per annotation: ${v.stmt.mysql8.why})` : ''}: ${describeOutcome(v.expected)}`,
      '',
    );
  }
  writeFileSync(join(dir, 'report.md'), lines.join('\n'));
  writeFileSync(join(dir, 'outcomes.json'), JSON.stringify(verdicts.map((v) => ({
    at: `${v.stmt.category}:${v.stmt.line}`, keyspace: v.keyspace, sql: v.stmt.sql, differs: v.differs ?? null,
    vtsim: describeOutcome(v.actual), expected: describeOutcome(v.expected),
  })), null, 1));
  writeFileSync(join(dir, 'summary.json'), JSON.stringify({
    unsharded: { ...u.total, percent: percent(u.total) },
    sharded: { ...s.total, percent: percent(s.total) },
    categories: Object.fromEntries(categories.map((c) => [c, { unsharded: u.byCategory.get(c), sharded: s.byCategory.get(c) }])),
    clusters: ranked.map(([key, vs]) => ({ key, count: vs.length })),
  }, null, 2));
  return summary;
}
