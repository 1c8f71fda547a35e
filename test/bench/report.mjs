/**
 * The benchmark report: figures with their targets, printed as one table for people and one JSON
 * line per figure for tools (`pnpm bench | grep '^{'`).
 */

/**
 * One measured figure.
 * @typedef {object} Figure
 * @property {string} id stable key, e.g. `e2e.point_selects`
 * @property {string} what what was measured, in words
 * @property {number} value the figure, rounded for display by {@link formatValue}
 * @property {string} unit e.g. `queries/s`, `rows/s`, `ms`
 * @property {{ op: '>=' | '<' | '<=', value: number }} [target] the project's target, if it has one
 * @property {string} [detail] how it was measured (connections, processes, CPU use)
 */

/** Whether a figure meets its target: true or false, or undefined when it has no target. */
export function met(figure) {
  if (!figure.target) return undefined;
  const { op, value } = figure.target;
  return op === '>=' ? figure.value >= value : op === '<=' ? figure.value <= value : figure.value < value;
}

/** Formats a figure's value: thousands separated, one decimal below 100. */
export function formatValue(value) {
  return value < 100 ? value.toFixed(1) : Math.round(value).toLocaleString('en-US');
}

function targetText(figure) {
  return figure.target ? `${figure.target.op} ${formatValue(figure.target.value)}` : '';
}

function metText(figure) {
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

/** One figure as a single JSON line: id, what, value, unit, target, met, detail. */
export function jsonLine(figure) {
  return JSON.stringify({
    id: figure.id,
    what: figure.what,
    value: Math.round(figure.value * 10) / 10,
    unit: figure.unit,
    target: figure.target ?? null,
    met: met(figure) ?? null,
    detail: figure.detail ?? null,
  });
}
