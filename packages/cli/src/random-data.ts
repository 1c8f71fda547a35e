/**
 * vttestserver's `--initialize_with_random_data` (`--rng_seed`, `--min_table_shard_size`,
 * `--max_table_shard_size`, `--null_probability`): after the schema is loaded on a first start,
 * every table of every shard gets a random number of random rows, the same ones for the same seed.
 * As vttest's populateWithRandomData does, it goes keyspace by keyspace and shard by shard, lists
 * the shard database's tables (SHOW TABLES) and their columns (DESCRIBE), draws a row count in
 * [min, max) per table, gives each nullable column NULL with the given probability, and writes
 * batches of 1000 rows with `INSERT IGNORE` in a transaction straight into the shard's MySQL (its
 * primary's mysqld; replicas get them by replication), so rows whose unique keys collide are
 * dropped as there. Where vttest differs:
 * - vttestserver never sets vttest's per-column value generator (each non-NULL value would crash
 *   it); vtsim draws values by column type (see {@link randomValue});
 * - in a sharded keyspace, the columns of a table's primary vindex are drawn again until the
 *   row's keyspace id falls in the shard's key range, so vtgate finds every row where it routes;
 * - sequence tables (comment `vitess_sequence`) are left alone, so sequences keep working.
 */
import { SeededRandom, type Random } from '@vtsim/binlog';
import { tabletAliasString, type BindVars, type SqlValue } from '@vtsim/proto';
import { isTopoError, keyRangeContains } from '@vtsim/topo';
import { createVindex, type Vindex } from '@vtsim/vindexes';
import type { MysqlSession } from '@vtsim/vttablet';
import type { Cluster } from './cluster.js';

/** How to seed: vttestserver's flags of the same names. */
export interface RandomDataOptions {
  /** `--rng_seed`: the same seed gives the same rows. */
  seed: number;
  /** `--min_table_shard_size`: the fewest rows drawn per table and shard. */
  minShardSize: number;
  /** `--max_table_shard_size`: row counts are drawn below it (exactly min when equal). */
  maxShardSize: number;
  /** `--null_probability`: the chance of NULL in each nullable column. */
  nullProbability: number;
}

/** Rows per INSERT IGNORE statement, as vttest's batchInsertSize. */
const BATCH_ROWS = 1000;
/** Draws of a row's primary vindex columns before giving up on hitting a shard's key range. */
const MAX_VINDEX_DRAWS = 100_000;
/** The longest string or byte value drawn (columns allowing less get at most their length). */
const MAX_RANDOM_LENGTH = 32;
const ALPHANUMERIC = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';

/** One column as DESCRIBE shows it. */
interface ColumnInfo {
  name: string;
  type: string;
  nullable: boolean;
}

/**
 * Fills every table of every shard of `keyspaces` (in that order, shards in name order) with
 * random rows; see the module comment. Throws Error for invalid options, a keyspace or shard
 * without a running primary, a column type it cannot draw values for (naming the column), or a
 * primary vindex whose values never fall in a shard's key range.
 */
export async function initializeWithRandomData(cluster: Cluster, keyspaces: string[], opts: RandomDataOptions): Promise<void> {
  const { minShardSize: min, maxShardSize: max, nullProbability } = opts;
  if (!Number.isInteger(min) || !Number.isInteger(max) || min < 0 || max < min) {
    throw new Error(`invalid table shard sizes: --min_table_shard_size ${min} and --max_table_shard_size ${max} must be whole numbers with 0 <= min <= max`);
  }
  if (!(nullProbability >= 0 && nullProbability <= 1)) throw new Error(`invalid --null_probability ${nullProbability}: it must be between 0 and 1`);
  const rng = new SeededRandom(opts.seed);
  for (const keyspace of keyspaces) {
    await cluster.topo.getKeyspace(keyspace).catch((err: unknown) => {
      throw isTopoError(err, 'NoNode') ? new Error(`cannot seed keyspace ${keyspace} with random data: it does not exist`) : err;
    });
    // A keyspace without a VSchema is unsharded.
    const vschema = await cluster.topo.getVSchema(keyspace).catch((err: unknown) => {
      if (isTopoError(err, 'NoNode')) return undefined;
      throw err;
    });
    for (const shard of await cluster.topo.getShardNames(keyspace)) {
      const si = (await cluster.topo.getShard(keyspace, shard)).shard;
      const primary = si.primary_alias && cluster.tabletMap().get(tabletAliasString(si.primary_alias));
      if (!primary) throw new Error(`cannot seed ${keyspace}/${shard} with random data: it has no running primary`);
      const session = primary.mysqld.createSession({ database: primary.dbName, bypassReadOnly: true });
      try {
        for (const [table] of session.execute('show tables').rows) {
          const name = String(table);
          const ddl = String(session.execute(`show create table \`${name}\``).rows[0]![1]);
          if (/\sCOMMENT='vitess_sequence'$/.test(ddl)) continue;
          const primaryVindex = vschema?.sharded ? vschema.tables[name]?.column_vindexes[0] : undefined;
          const vindex = primaryVindex && vschema!.vindexes[primaryVindex.name];
          const inShard = vindex
            ? vindexCheck(createVindex(vindex.type, primaryVindex.name, vindex.params), primaryVindex.column || primaryVindex.columns[0]!, (ksid) => keyRangeContains(si.key_range, ksid))
            : undefined;
          populateTable(session, name, rng, { min, max, nullProbability }, inShard);
        }
      } finally {
        session.close();
      }
    }
  }
}

/** A check of a drawn row: the name of its primary vindex column, and whether a value of it lands in the shard. */
interface ShardCheck {
  column: string;
  lands(value: SqlValue): boolean;
}

function vindexCheck(vindex: Vindex, column: string, contains: (ksid: Uint8Array) => boolean): ShardCheck {
  return {
    column,
    lands: (value) => {
      const ksid = vindex.mapOne(value);
      return ksid !== null && contains(ksid);
    },
  };
}

function populateTable(
  session: MysqlSession,
  table: string,
  rng: Random,
  opts: { min: number; max: number; nullProbability: number },
  inShard: ShardCheck | undefined,
): void {
  const columns: ColumnInfo[] = session.execute(`describe \`${table}\``).rows.map((r) => ({ name: String(r[0]), type: String(r[1]).toLowerCase(), nullable: r[2] === 'YES' }));
  const rows = opts.min + Math.floor(rng.next() * (opts.max - opts.min));
  const vindexAt = inShard ? columns.findIndex((c) => c.name.toLowerCase() === inShard.column.toLowerCase()) : -1;
  const draw = (c: ColumnInfo): SqlValue => (c.nullable && rng.next() < opts.nullProbability ? null : randomValue(c, rng));
  const names = columns.map((c) => `\`${c.name}\``).join(', ');
  for (let done = 0; done < rows; done += BATCH_ROWS) {
    const n = Math.min(BATCH_ROWS, rows - done);
    const bindVars: BindVars = {};
    const tuples: string[] = [];
    for (let r = 0; r < n; r++) {
      const placeholders: string[] = [];
      for (let i = 0; i < columns.length; i++) {
        let value = draw(columns[i]!);
        if (i === vindexAt) {
          for (let tries = 1; !inShard!.lands(value); tries++) {
            if (tries >= MAX_VINDEX_DRAWS) throw new Error(`cannot seed ${table} with random data: no value of ${inShard!.column} drawn lands in this shard`);
            value = randomValue(columns[i]!, rng);
          }
        }
        bindVars[`v${r}_${i}`] = value;
        placeholders.push(`:v${r}_${i}`);
      }
      tuples.push(`(${placeholders.join(', ')})`);
    }
    session.execute('start transaction');
    session.execute(`insert ignore into \`${table}\` (${names}) values ${tuples.join(', ')}`, bindVars);
    session.execute('commit');
  }
}

/**
 * A random non-NULL value for a column of DESCRIBE's type text: integers uniform over the type's
 * non-negative range (capped at 2^31-1, so AUTO_INCREMENT keeps room), DECIMAL within its
 * precision and scale, FLOAT/DOUBLE in [-1e6, 1e6), BIT(n) below 2^n, YEAR 1901-2155, dates and
 * times from 1970 to 2037 (TIMESTAMP's range) with the column's fractional digits, strings and
 * bytes of up to the column's length (32 at most; BINARY(n) exactly n), one ENUM value, a subset of
 * SET values, a small JSON object. Throws Error naming the column for other types (spatial ones).
 */
export function randomValue(column: { name: string; type: string }, rng: Random): SqlValue {
  const m = /^([a-z]+)(?:\((.*)\))?(.*)$/s.exec(column.type);
  if (!m) throw new Error(`cannot draw random values for column ${column.name} of type ${column.type}`);
  const base = m[1]!;
  const args = m[2] ?? '';
  const unsigned = /\bunsigned\b/.test(m[3] ?? '');
  const int = (below: number) => Math.floor(rng.next() * below);
  const length = (declared: number) => int(Math.min(declared, MAX_RANDOM_LENGTH) + 1);
  const text = (n: number) => Array.from({ length: n }, () => ALPHANUMERIC[int(ALPHANUMERIC.length)]).join('');
  const bytes = (n: number) => Buffer.from(Array.from({ length: n }, () => int(256)));
  const two = (n: number) => String(n).padStart(2, '0');
  const fraction = (digits: number) => (digits > 0 ? `.${String(int(10 ** digits)).padStart(digits, '0')}` : '');
  const date = () => {
    const d = new Date(Date.UTC(1970, 0, 1) + int(68 * 365) * 86_400_000);
    return `${d.getUTCFullYear()}-${two(d.getUTCMonth() + 1)}-${two(d.getUTCDate())}`;
  };
  const time = (fsp: number) => `${two(int(24))}:${two(int(60))}:${two(int(60))}${fraction(fsp)}`;
  const declared = Number(args.split(',')[0] || 0);
  switch (base) {
    case 'tinyint':
    case 'smallint':
    case 'mediumint':
    case 'int':
    case 'integer':
    case 'bigint': {
      const bits = { tinyint: 8, smallint: 16, mediumint: 24, int: 32, integer: 32, bigint: 64 }[base];
      return BigInt(int(Math.min(2 ** (unsigned ? bits : bits - 1), 2 ** 31)));
    }
    case 'decimal':
    case 'numeric': {
      const [p = 10, s = 0] = args.split(',').map(Number);
      const whole = p - s > 0 ? String(int(10 ** Math.min(p - s, 15))) : '0';
      const sign = !unsigned && int(2) === 1 ? '-' : '';
      return `${sign}${whole}${fraction(Math.min(s, 15))}`;
    }
    case 'float':
    case 'double':
    case 'real':
      return Math.round((rng.next() * 2 - 1) * 1e6 * 100) / 100;
    case 'bit':
      return BigInt(int(2 ** Math.min(declared || 1, 31)));
    case 'year':
      return BigInt(1901 + int(255));
    case 'date':
      return date();
    case 'datetime':
    case 'timestamp':
      return `${date()} ${time(declared)}`;
    case 'time':
      return time(declared);
    case 'char':
    case 'varchar':
      return text(length(declared || 1));
    case 'tinytext':
    case 'text':
    case 'mediumtext':
    case 'longtext':
      return text(length(MAX_RANDOM_LENGTH));
    case 'binary':
      return bytes(declared || 1);
    case 'varbinary':
      return bytes(length(declared || 1));
    case 'tinyblob':
    case 'blob':
    case 'mediumblob':
    case 'longblob':
      return bytes(length(MAX_RANDOM_LENGTH));
    case 'enum':
    case 'set': {
      const values = [...args.matchAll(/'((?:[^']|'')*)'/g)].map((v) => v[1]!.replace(/''/g, "'"));
      if (base === 'enum') return values[int(values.length)]!;
      return values.filter(() => int(2) === 1).join(',');
    }
    case 'json':
      return JSON.stringify({ id: int(1_000_000), name: text(8) });
    default:
      throw new Error(`cannot draw random values for column ${column.name} of type ${column.type}`);
  }
}
