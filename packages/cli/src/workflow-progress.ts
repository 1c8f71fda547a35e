/**
 * How `vtsim reshard|movetables` shows a workflow's progress: on a terminal, one progress bar per
 * table being copied (cli-progress) with the step lines printed above them; otherwise plain lines,
 * `copying customer: 1200/5000 rows (24%)` and the steps, one each.
 */
import { MultiBar, Presets, type SingleBar } from 'cli-progress';
import { progressLine, type WorkflowProgress } from './workflow-runner.js';

/** Shows a workflow's progress reports; stop() when the workflow is done. */
export interface ProgressView {
  show(event: WorkflowProgress): void;
  stop(): void;
}

/** Plain lines through `out`, one per report. */
export function lineProgress(out: (line: string) => void): ProgressView {
  return { show: (event) => out(progressLine(event)), stop: () => undefined };
}

/** Progress bars on the terminal `stream`, one per table, with the steps as lines above them. */
export function barProgress(stream: NodeJS.WriteStream): ProgressView {
  const bars = new MultiBar({ stream, format: 'copying {table} [{bar}] {value}/{total} rows ({percentage}%)', hideCursor: true, clearOnComplete: false }, Presets.shades_classic);
  const tables = new Map<string, SingleBar>();
  return {
    show(event) {
      if (event.kind === 'step') {
        // Before the first bar, a plain line; then above the bars (cli-progress flushes its log on a redraw).
        if (tables.size === 0) stream.write(`${event.text}\n`);
        else {
          bars.log(`${event.text}\n`);
          bars.update();
        }
        return;
      }
      const bar = tables.get(event.table);
      if (bar) {
        bar.setTotal(event.rowsTotal);
        bar.update(event.rowsCopied);
      } else {
        tables.set(event.table, bars.create(event.rowsTotal, event.rowsCopied, { table: event.table }));
      }
    },
    stop() {
      // A table whose copy finished between two polls ends at its total.
      for (const bar of tables.values()) bar.update(bar.getTotal());
      if (tables.size > 0) bars.stop();
    },
  };
}
