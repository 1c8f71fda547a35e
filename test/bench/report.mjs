/**
 * The benchmark report: figures with their targets, printed as one table for people and one JSON
 * line per figure for tools (`pnpm bench | grep '^{'`).
 */
import { describeLoadSample } from './machine-load.mjs';

/**
 * One measured figure.
 * @typedef {object} Figure
 * @property {string} id stable key, e.g. `e2e.point_selects`
 * @property {string} what what was measured, in words
 * @property {number} value the figure, rounded for display by {@link formatValue}
 * @property {string} unit e.g. `queries/s`, `rows/s`, `ms`
 * @property {{ op: '>=' | '<' | '<=', value: number }} [target] the project's target, if it has one
 * @property {string} [detail] how it was measured (connections, processes, CPU use)
 * @property {string} [notComparable] for a ratio to a reference: why its two sides cannot be
 *   compared (they ran under different loads); its target is then neither met nor missed
 */

/** Whether a figure meets its target: true or false, or undefined when it has no target or is not comparable. */
export function met(figure) {
  if (!figure.target || figure.notComparable) return undefined;
  const { op, value } = figure.target;
  return op === '>=' ? figure.value >= value : op === '<=' ? figure.value <= value : figure.value < value;
}

/** Formats a figure's value: thousands separated, one decimal below 100, two below 10. */
export function formatValue(value) {
  return value < 10 ? value.toFixed(2) : value < 100 ? value.toFixed(1) : Math.round(value).toLocaleString('en-US');
}

function targetText(figure) {
  return figure.target ? `${figure.target.op} ${formatValue(figure.target.value)}` : '';
}

function metText(figure) {
  if (figure.notComparable) return 'not comparable';
  const m = met(figure);
  return m === undefined ? '' : m ? 'met' : 'MISSED';
}

/** Renders the figures as an aligned text table (what, figure, target, met?), details indented below each row. */
export function formatTable(figures) {
  const rows = figures.map((f) => [f.what, `${formatValue(f.value)} ${f.unit}`, targetText(f), metText(f)]);
  const head = ['what', 'figure', 'target', 'met?'];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells) => cells.map((c, i) => (i === 1 || i === 2 ? c.padStart(widths[i]) : c.padEnd(widths[i]))).join('  ').trimEnd();
  const out = [line(head), widths.map((w) => '-'.repeat(w)).join('  ')];
  figures.forEach((f, i) => {
    out.push(line(rows[i]));
    if (f.detail) out.push(`    ${f.detail}`);
  });
  return out.join('\n');
}

/**
 * One figure as a single JSON line: id, what, value (ratios to 3 decimals, other figures to 1),
 * unit, target, met, detail; a ratio whose sides are not comparable adds `comparable: false` (its
 * detail says why).
 */
export function jsonLine(figure) {
  const scale = figure.unit === '×' ? 1000 : 10;
  return JSON.stringify({
    id: figure.id,
    what: figure.what,
    value: Math.round(figure.value * scale) / scale,
    unit: figure.unit,
    target: figure.target ?? null,
    met: met(figure) ?? null,
    ...(figure.notComparable ? { comparable: false } : {}),
    detail: figure.detail ?? null,
  });
}

/**
 * The ratio of a vtsim figure to its reference's (`ratio.<name>`): vtsim ÷ reference, both measured
 * in the same run. Its detail gives the load each side ran under; when they ran under different
 * loads (see machine-load.mjs) the figure is not comparable and says why.
 * @param {{ id: string, what: string, vtsim: Figure, reference: Figure, target?: { op: '>=' | '<=', value: number },
 *   pair: import('./machine-load.mjs').Pair<unknown>, referenceName: string, vtsimName?: string }} r
 *   the names say whose run was under which load (vtsimName defaults to `vtsim`)
 * @returns {Figure}
 */
export function ratioFigure(r) {
  const { pair } = r;
  const rerun = pair.attempts > 1 ? '; the first pair ran under different loads and was rerun' : '';
  const loads = `${r.vtsimName ?? 'vtsim'} ran with ${describeLoadSample(pair.vtsimLoad)}; ${r.referenceName} with ${describeLoadSample(pair.referenceLoad)}${rerun}`;
  return {
    id: r.id,
    what: r.what,
    value: r.vtsim.value / r.reference.value,
    unit: '×',
    target: r.target,
    detail: pair.notComparable ? `not comparable: ${pair.notComparable}, twice; ${loads}` : `${formatValue(r.vtsim.value)} ÷ ${formatValue(r.reference.value)} ${r.vtsim.unit}; ${loads}`,
    ...(pair.notComparable ? { notComparable: pair.notComparable } : {}),
  };
}
