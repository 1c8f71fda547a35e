import { describe, expect, it } from 'vitest';
import { splitStatements } from '../src/split-statements.js';

describe('splitStatements', () => {
  it('splits on semicolons and trims', () => {
    expect(splitStatements('select 1;  select 2 ;\nselect 3')).toEqual(['select 1', 'select 2', 'select 3']);
  });

  it('keeps semicolons inside strings, quoted identifiers and escapes', () => {
    expect(splitStatements(`insert into t values ('a;b', "c;d"); select \`x;y\` from t; select 'it''s;', 'a\\';b'`)).toEqual([
      `insert into t values ('a;b', "c;d")`,
      'select `x;y` from t',
      `select 'it''s;', 'a\\';b'`,
    ]);
  });

  it('ignores semicolons in comments and drops comment-only statements', () => {
    expect(splitStatements('-- a; b\nselect 1; # c; d\n/* e; f */ ; select 2;')).toEqual(['-- a; b\nselect 1', 'select 2']);
  });

  it('treats executable comments as statements and a dash without space as an operator', () => {
    expect(splitStatements('/*!40101 SET NAMES utf8 */; select 5--1')).toEqual(['/*!40101 SET NAMES utf8 */', 'select 5--1']);
  });

  it('returns nothing for empty text', () => {
    expect(splitStatements(' ; ;\n')).toEqual([]);
  });
});
