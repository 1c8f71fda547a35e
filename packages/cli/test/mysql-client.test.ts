// How the stand-in client reads a script into statements and `\!` shell commands, with the line
// each statement starts on (the N of `ERROR … at line N`), as the mysql client reads it.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { scriptSteps } from '../src/mysql-client.js';
import { VTSIM_ROOT } from '@vtsim/proto';

describe('scriptSteps', () => {
  it('reads select_commerce_data.sql as echo, use, and three echo/select pairs', () => {
    const steps = scriptSteps(readFileSync(join(VTSIM_ROOT, 'scripts', 'select_commerce_data.sql'), 'utf8'));
    expect(steps).toEqual([
      { kind: 'shell', command: "echo 'Using commerce'" },
      { kind: 'sql', sql: 'use commerce', line: 2 },
      { kind: 'shell', command: "echo 'Customer'" },
      { kind: 'sql', sql: 'select * from customer', line: 4 },
      { kind: 'shell', command: "echo 'Product'" },
      { kind: 'sql', sql: 'select * from product', line: 6 },
      { kind: 'shell', command: "echo 'COrder'" },
      { kind: 'sql', sql: 'select * from corder', line: 8 },
    ]);
  });

  it('numbers a multi-line statement by its first line, and several statements on one line by that line', () => {
    expect(scriptSteps('\nselect *\n  from t\n  where a = 1;\nselect 1; select 2;\nselect\n3')).toEqual([
      { kind: 'sql', sql: 'select *\n  from t\n  where a = 1', line: 2 },
      { kind: 'sql', sql: 'select 1', line: 5 },
      { kind: 'sql', sql: 'select 2', line: 5 },
      { kind: 'sql', sql: 'select\n3', line: 6 },
    ]);
  });

  it('does not split at semicolons inside quotes, backquotes or escaped quotes', () => {
    expect(scriptSteps("insert into t values ('a;b', \"c;d\", 'it\\'s;');\nselect `x;y` from t;")).toEqual([
      { kind: 'sql', sql: "insert into t values ('a;b', \"c;d\", 'it\\'s;')", line: 1 },
      { kind: 'sql', sql: 'select `x;y` from t', line: 2 },
    ]);
    expect(scriptSteps("select 'line1\nline2;still';\nselect 2;")).toEqual([
      { kind: 'sql', sql: "select 'line1\nline2;still'", line: 1 },
      { kind: 'sql', sql: 'select 2', line: 3 },
    ]);
  });

  it('drops -- and # comments, with the semicolons in them', () => {
    expect(scriptSteps('-- a comment; not a statement\nselect 1; # trailing; comment\n# select 2;\nselect 3 -- why;\n;')).toEqual([
      { kind: 'sql', sql: 'select 1', line: 2 },
      { kind: 'sql', sql: 'select 3', line: 4 },
    ]);
  });

  it('reads `--` without a following space as two minus signs, as MySQL does', () => {
    expect(scriptSteps('select 1--1;')).toEqual([{ kind: 'sql', sql: 'select 1--1', line: 1 }]);
  });

  it('runs `\\!` only at the start of a statement', () => {
    expect(scriptSteps("\\! echo hi\nselect 1,\n\\! 2;")).toEqual([
      { kind: 'shell', command: 'echo hi' },
      { kind: 'sql', sql: 'select 1,\n\\! 2', line: 2 },
    ]);
  });
});
