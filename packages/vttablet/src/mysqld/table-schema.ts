/**
 * A table's definition (columns, keys, options) as one immutable value, and what derives from it: the
 * binlog TableMap with MySQL 8 field metadata, and the key comparators its storage uses.
 */
import { Type, type Field, type SqlValue } from '@vtsim/proto';
import type { TableMap } from '@vtsim/binlog';
import { buildField, keyComparator, type ColumnType, type Expr } from '@vtsim/sql';
import type { PartitionSpec } from './partition-clause.js';

/** A column's default: none declared, a literal (already coerced to the column type), or CURRENT_TIMESTAMP. */
export type ColumnDefault =
  | { readonly kind: 'none' }
  | { readonly kind: 'value'; readonly value: SqlValue }
  | { readonly kind: 'now' };

/** One column as declared. */
export interface ColumnDef {
  readonly name: string;
  readonly columnType: ColumnType;
  readonly notNull: boolean;
  readonly autoIncrement: boolean;
  readonly default: ColumnDefault;
  /** `ON UPDATE CURRENT_TIMESTAMP`. */
  readonly onUpdateNow: boolean;
  readonly comment: string;
  /** `GENERATED ALWAYS AS (expr) VIRTUAL | STORED`: the column's value is computed from the row's others. */
  readonly generated?: GeneratedColumn;
}

/** A generated column's expression (node-sql-parser AST, as declared) and storage kind. */
export interface GeneratedColumn {
  readonly expr: Expr;
  readonly stored: boolean;
}

/** A CHECK constraint: its name (given, or `<table>_chk_<n>`), expression (AST) and whether it is ENFORCED. */
export interface CheckConstraint {
  readonly name: string;
  readonly expr: Expr;
  readonly enforced: boolean;
}

/** What a foreign key does to child rows when their parent row is deleted or its key updated. */
export type ForeignKeyAction = 'RESTRICT' | 'CASCADE' | 'SET NULL' | 'NO ACTION';

/** A FOREIGN KEY constraint: child columns (by name) referencing a parent table's columns. */
export interface ForeignKey {
  /** The name as given, or `<table>_ibfk_<n>`. */
  readonly name: string;
  readonly columns: readonly string[];
  readonly refDatabase: string;
  readonly refTable: string;
  readonly refColumns: readonly string[];
  /** ON DELETE / ON UPDATE as declared (absent: not declared, which acts as RESTRICT). */
  readonly onDelete?: ForeignKeyAction;
  readonly onUpdate?: ForeignKeyAction;
}

/** One index: the primary key (named `PRIMARY`) or a secondary index, over column positions in key order. */
export interface IndexDef {
  readonly name: string;
  readonly columns: readonly number[];
  readonly unique: boolean;
  readonly primary: boolean;
}

/** A row key or index key: values in key-column order. */
export type Key = readonly SqlValue[];
/** A stored row: values in column order, coerced to the column types; never mutated once stored. */
export type Row = readonly SqlValue[];

/** Compares two keys column by column (NULLs first; a prefix sorts before its extensions). */
export type KeyCompare = (a: Key, b: Key) => number;

/** What makes up a table definition; {@link TableSchema} derives the rest. */
export interface TableDefinition {
  readonly database: string;
  readonly name: string;
  readonly columns: readonly ColumnDef[];
  /** Primary key first if any, then secondary indexes in declaration order. */
  readonly indexes: readonly IndexDef[];
  readonly comment: string;
  /** `PARTITION BY …` as declared (the rows stay in one table); undefined when not partitioned. */
  readonly partition?: PartitionSpec;
  /** CHECK constraints in declaration order (absent: none). */
  readonly checks?: readonly CheckConstraint[];
  /** FOREIGN KEY constraints in declaration order (absent: none). */
  readonly foreignKeys?: readonly ForeignKey[];
}

/**
 * An immutable table definition. Every schema change (including a rename) makes a new TableSchema
 * with a new TableMap id; row storage keys rows by the primary key, or by a hidden row id (like
 * InnoDB's DB_ROW_ID) when the table has none.
 */
export class TableSchema implements TableDefinition {
  readonly database: string;
  readonly name: string;
  readonly columns: readonly ColumnDef[];
  readonly indexes: readonly IndexDef[];
  readonly comment: string;
  readonly partition: PartitionSpec | undefined;
  readonly checks: readonly CheckConstraint[];
  readonly foreignKeys: readonly ForeignKey[];
  /** The primary key, if declared. */
  readonly primaryKey: IndexDef | undefined;
  /** Secondary indexes (everything but the primary key), in declaration order. */
  readonly secondaryIndexes: readonly IndexDef[];
  /** Position of the AUTO_INCREMENT column, -1 if none. */
  readonly autoIncrementColumn: number;
  /** The binlog table map of this schema version (frozen); row images are in its `fields` order. */
  readonly tableMap: TableMap;
  /** Comparator of row keys (primary key tuples, or `[rowId]`). */
  readonly compareKeys: KeyCompare;
  /** Comparator per secondary index, over `[...index columns, ...row key]`. */
  readonly compareIndexKeys: readonly KeyCompare[];
  /** True when "Sequence table" rules apply (table comment `vitess_sequence`). */
  readonly isSequence: boolean;
  private readonly byName: Map<string, number>;

  constructor(def: TableDefinition, tableMapId: number) {
    this.database = def.database;
    this.name = def.name;
    this.columns = def.columns;
    this.indexes = def.indexes;
    this.comment = def.comment;
    this.partition = def.partition;
    this.checks = def.checks ?? [];
    this.foreignKeys = def.foreignKeys ?? [];
    this.primaryKey = def.indexes.find((i) => i.primary);
    this.secondaryIndexes = def.indexes.filter((i) => !i.primary);
    this.autoIncrementColumn = def.columns.findIndex((c) => c.autoIncrement);
    this.isSequence = def.comment === 'vitess_sequence';
    this.byName = new Map(def.columns.map((c, i) => [c.name.toLowerCase(), i]));
    const keyTypes = this.keyColumnTypes();
    this.compareKeys = keyComparator(keyTypes);
    this.compareIndexKeys = this.secondaryIndexes.map((ix) =>
      keyComparator([...ix.columns.map((c) => def.columns[c]!.columnType), ...keyTypes]),
    );
    this.tableMap = Object.freeze({
      id: tableMapId,
      database: def.database,
      name: def.name,
      fields: Object.freeze(def.columns.map((_, i) => Object.freeze(this.fieldOf(i)))),
      pkColumns: Object.freeze(this.primaryKey ? [...this.primaryKey.columns] : []),
    });
  }

  /** Position of a column by name (case-insensitive), -1 if none. */
  columnIndex(name: string): number {
    return this.byName.get(name.toLowerCase()) ?? -1;
  }

  /** The row key of a row with a primary key (a new array); tables without one use hidden row ids instead. */
  primaryKeyOf(row: Row): SqlValue[] {
    const cols = this.primaryKey!.columns;
    const key = new Array<SqlValue>(cols.length);
    for (let i = 0; i < cols.length; i++) key[i] = row[cols[i]!]!;
    return key;
  }

  /** The field metadata of column `i` (as in the table map). */
  field(i: number): Field {
    return this.tableMap.fields[i]!;
  }

  private keyColumnTypes(): ColumnType[] {
    if (this.primaryKey) return this.primaryKey.columns.map((c) => this.columns[c]!.columnType);
    return [HIDDEN_ROW_ID_TYPE];
  }

  private fieldOf(i: number): Field {
    const c = this.columns[i]!;
    let primaryKey = false;
    let uniqueKey = false;
    let multipleKey = false;
    let partOfKey = false;
    for (const ix of this.indexes) {
      const at = ix.columns.indexOf(i);
      if (at < 0) continue;
      partOfKey = true;
      if (ix.primary) primaryKey = true;
      else if (at === 0) {
        if (ix.unique && ix.columns.length === 1) uniqueKey = true;
        else multipleKey = true;
      }
    }
    return buildField({
      name: c.name,
      table: this.name,
      database: this.database,
      columnType: c.columnType,
      notNull: c.notNull,
      autoIncrement: c.autoIncrement,
      hasDefault: c.default.kind !== 'none',
      primaryKey,
      uniqueKey,
      multipleKey,
      partOfKey,
    });
  }
}

/** The column type of the hidden row id of tables without a primary key. */
export const HIDDEN_ROW_ID_TYPE: ColumnType = {
  type: Type.UINT64,
  columnType: 'bigint unsigned',
  length: 20,
  precision: 0,
  scale: 0,
  unsigned: true,
  charset: 63,
};
