import { describe, expect, it } from 'vitest';
import { placeholderOffsets, splitStatements, stripLeadingComments } from '../src/sql-scanner.js';

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

  it('gives text without a semicolon as one statement unless it holds only comments', () => {
    expect(splitStatements("\n insert into t values ('a')  \n")).toEqual(["insert into t values ('a')"]);
    expect(splitStatements("'unterminated")).toEqual(["'unterminated"]);
    expect(splitStatements(' \t\n')).toEqual([]);
    expect(splitStatements('/* only */ -- comments\n# here')).toEqual([]);
    expect(splitStatements('-- a comment\nselect 1')).toEqual(['-- a comment\nselect 1']);
    expect(splitStatements('/*!40101 SET NAMES utf8 */')).toEqual(['/*!40101 SET NAMES utf8 */']);
    expect(splitStatements('-1')).toEqual(['-1']);
  });
});

describe('stripLeadingComments', () => {
  it('drops whitespace and every kind of leading comment, and nothing after the first token', () => {
    expect(stripLeadingComments('  /* a */ # b\n-- c\n  select /* d */ 1')).toBe('select /* d */ 1');
    expect(stripLeadingComments('--1')).toBe('--1');
    expect(stripLeadingComments('/* unterminated')).toBe('');
  });
});

describe('placeholderOffsets', () => {
  it('finds top-level question marks only', () => {
    expect(placeholderOffsets("select ?, '?', `?`, /* ? */ ? -- ?\n")).toEqual([7, 28]);
  });
});
