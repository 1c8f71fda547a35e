// How `vtsim reshard|movetables` shows progress: plain lines when stdout is no terminal, and on a
// terminal one cli-progress bar per table with the steps printed above the bars.
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { barProgress, lineProgress } from '../src/workflow-progress.js';

describe('workflow progress', () => {
  it('prints plain lines', () => {
    const lines: string[] = [];
    const view = lineProgress((l) => lines.push(l));
    view.show({ kind: 'step', text: 'created Reshard workflow customer.reshard: 0 → -80,80-' });
    view.show({ kind: 'copy', table: 'customer', rowsCopied: 1200, rowsTotal: 5000 });
    view.show({ kind: 'copy', table: 'corder', rowsCopied: 0, rowsTotal: 0 });
    view.stop();
    expect(lines).toEqual(['created Reshard workflow customer.reshard: 0 → -80,80-', 'copying customer: 1200/5000 rows (24%)', 'copying corder: 0/0 rows (0%)']);
  });

  it('draws a bar per table on a terminal, the steps above them', () => {
    const tty = Object.assign(new PassThrough(), { isTTY: true, columns: 120, rows: 40 }) as unknown as NodeJS.WriteStream & PassThrough;
    let out = '';
    tty.setEncoding('utf8').on('data', (d: string) => (out += d));
    const view = barProgress(tty);
    view.show({ kind: 'step', text: 'created Reshard workflow customer.reshard: 0 → -80,80-' });
    view.show({ kind: 'copy', table: 'customer', rowsCopied: 1200, rowsTotal: 5000 });
    view.show({ kind: 'copy', table: 'customer', rowsCopied: 2500, rowsTotal: 5000 });
    view.show({ kind: 'step', text: 'workflow customer.reshard is running and caught up' });
    view.show({ kind: 'step', text: 'SwitchTraffic was successful' });
    view.stop();
    const text = out.replace(/\x1b\[[0-9;?]*[A-Za-z]/g, '');
    expect(text.indexOf('created Reshard workflow customer.reshard: 0 → -80,80-\n')).toBe(0);
    expect(text).toContain('workflow customer.reshard is running and caught up\n');
    expect(text).toContain('SwitchTraffic was successful\n');
    expect(text).toMatch(/copying customer \[[█░]+\] 5000\/5000 rows \(100%\)/);
  });
});
