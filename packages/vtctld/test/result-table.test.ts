// The stand-in client's output formats, checked against what the mysql client prints for the same
// results (the boxes below are the real client's output for the local example's tables).
import { describe, expect, it } from 'vitest';
import { formatBatch, formatTable, type ResultColumn } from '../src/vtctldclient/result-table.js';

const PRODUCT: ResultColumn[] = [
  { name: 'sku', numeric: false },
  { name: 'description', numeric: false, nullable: true },
  { name: 'price', numeric: true, nullable: true },
];

describe('formatTable', () => {
  it('draws the local example\'s product table as `mysql --table` does', () => {
    expect(formatTable(PRODUCT, [['SKU-1001', 'Monitor', '100'], ['SKU-1002', 'Keyboard', '30']])).toBe(
      [
        '+----------+-------------+-------+',
        '| sku      | description | price |',
        '+----------+-------------+-------+',
        '| SKU-1001 | Monitor     |   100 |',
        '| SKU-1002 | Keyboard    |    30 |',
        '+----------+-------------+-------+',
      ].join('\n'),
    );
  });

  it('shows NULL, and draws nullable columns at least four wide while NOT NULL ones fit their text', () => {
    const columns: ResultColumn[] = [
      { name: 'a', numeric: true },
      { name: 'p', numeric: true, nullable: true },
      { name: 's', numeric: false, nullable: true },
    ];
    expect(formatTable(columns, [['1', '30', null], ['2', null, 'x']])).toBe(
      ['+---+------+------+', '| a | p    | s    |', '+---+------+------+', '| 1 |   30 | NULL |', '| 2 | NULL | x    |', '+---+------+------+'].join('\n'),
    );
  });

  it('counts East Asian wide characters as two columns', () => {
    expect(formatTable([{ name: 'name', numeric: false }], [['日本'], ['abcde']])).toBe(
      ['+-------+', '| name  |', '+-------+', '| 日本  |', '| abcde |', '+-------+'].join('\n'),
    );
  });

  it('draws just the header box for a result without rows', () => {
    expect(formatTable([{ name: 'id', numeric: true }], [])).toBe('+----+\n| id |\n+----+\n+----+');
  });
});

describe('formatBatch', () => {
  it('prints a header line and tab-separated rows, NULL for nulls', () => {
    expect(formatBatch(PRODUCT, [['SKU-1001', 'Monitor', '100'], ['SKU-1003', null, null]])).toBe(
      'sku\tdescription\tprice\nSKU-1001\tMonitor\t100\nSKU-1003\tNULL\tNULL',
    );
  });

  it('escapes backslashes, tabs, newlines and NUL bytes as the client does', () => {
    expect(formatBatch([{ name: 'v', numeric: false }], [['a\\b'], ['c\td'], ['e\nf'], ['g\0h']])).toBe('v\na\\\\b\nc\\td\ne\\nf\ng\\0h');
  });
});
