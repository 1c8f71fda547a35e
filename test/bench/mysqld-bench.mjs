/**
 * Component figures of the simulated mysqld alone, in process: one session with bind variables
 * (so plans are cached after the warm-up), binlog on, as a tablet's primary runs it.
 */
import { ManualClock, SeededRandom } from '@vtsim/binlog';
import { Mysqld } from '@vtsim/vttablet';
import { describeCpu, timedLoop } from './timed-loop.mjs';

const ROWS_PER_INSERT = 1000;

/**
 * Measures single-row autocommit inserts/s, point selects/s over the rows just inserted, and
 * rows/s of 1000-row inserts (one statement text with 3000 bind variables, reused).
 * @param {{ warmupMs: number, durationMs: number }} time
 * @returns {import('./report.mjs').Figure[]}
 */
export function benchMysqld(time) {
  const uuid = '3e11fa47-71ca-11e1-9e33-c80aa9429562';
  const mysqld = new Mysqld({ serverUuid: uuid, clock: new ManualClock(Date.UTC(2024, 0, 1)), random: new SeededRandom(uuid) });
  mysqld.createDatabase('vt_bench');
  const session = mysqld.createSession({ database: 'vt_bench' });
  session.execute('create table customer (customer_id bigint not null auto_increment, email varbinary(128), primary key (customer_id))');
  session.execute('create table corder (order_id bigint not null auto_increment, customer_id bigint, sku varbinary(128), price bigint, primary key (order_id))');
  const detail = 'one session, bind variables, binlog on';

  const insert = 'insert into customer(email) values (:email)';
  const emails = Array.from({ length: 1024 }, (_, i) => ({ email: `user${i}@example.com` }));
  const inserts = timedLoop(time, (i) => {
    session.execute(insert, emails[i & 1023]);
    return 1;
  });
  const customers = Number(session.execute('select count(*) from customer').rows[0][0]);

  const select = 'select customer_id, email from customer where customer_id = :id';
  const ids = Array.from({ length: 4096 }, (_, i) => ({ id: BigInt(1 + ((i * 7919) % customers)) }));
  const selects = timedLoop(time, (i) => {
    if (session.execute(select, ids[i & 4095]).rows.length !== 1) throw new Error('point select found no row');
    return 1;
  });

  const tuples = Array.from({ length: ROWS_PER_INSERT }, (_, i) => `(:c${i}, :s${i}, :p${i})`).join(', ');
  const multi = `insert into corder(customer_id, sku, price) values ${tuples}`;
  /** @type {Record<string, bigint | string>} */
  const bindVars = {};
  for (let i = 0; i < ROWS_PER_INSERT; i++) {
    bindVars[`c${i}`] = BigInt(i);
    bindVars[`s${i}`] = `SKU-${i}`;
    bindVars[`p${i}`] = BigInt(i * 10);
  }
  const multiRows = timedLoop(time, () => session.execute(multi, bindVars).rowsAffected);

  return [
    { id: 'mysqld.point_selects', what: 'mysqld: point selects', value: selects.ops / selects.seconds, unit: 'queries/s', detail: `${detail}; ${customers} rows; ${describeCpu(selects)}` },
    { id: 'mysqld.single_row_inserts', what: 'mysqld: single-row autocommit inserts', value: inserts.ops / inserts.seconds, unit: 'inserts/s', detail: `${detail}; ${describeCpu(inserts)}` },
    { id: 'mysqld.multi_row_insert_rows', what: 'mysqld: 1000-row inserts', value: multiRows.rows / multiRows.seconds, unit: 'rows/s', detail: `${detail}; ${describeCpu(multiRows)}` },
  ];
}
