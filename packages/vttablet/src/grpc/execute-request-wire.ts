/**
 * What query.ExecuteRequest, ReserveExecuteRequest, ReserveBeginExecuteRequest and BeginRequest
 * carry besides the query: ExecuteOptions (included fields, client_found_rows, the transaction
 * access mode), the session settings vtgate applies on the tablet's connection, as the pre-query
 * text Vitess sends ahead of a query on a reserved connection (`set @@sql_mode = '…'`,
 * `set @@foreign_key_checks = on|off`; vtsim_settings), and the database (vtsim_database).
 */
import { Code, VtError } from '@vtsim/proto';
import type { ExecuteOptions } from '../query-service.js';

/** query.ExecuteOptions.TransactionAccessMode. */
const enum TransactionAccessMode {
  READ_WRITE = 1,
  READ_ONLY = 2,
}

const SQL_MODE_SETTING = /^set @@sql_mode = '((?:[^'\\]|\\.)*)'$/;
const FOREIGN_KEY_CHECKS_SETTING = /^set @@foreign_key_checks = (on|off)$/;

/** The pre-query text of the session settings in `options`. */
function settingsToWire(options: ExecuteOptions | undefined): string[] {
  const out: string[] = [];
  if (options?.sqlMode !== undefined) out.push(`set @@sql_mode = '${options.sqlMode.replace(/[\\']/g, (c) => `\\${c}`)}'`);
  if (options?.foreignKeyChecks !== undefined) out.push(`set @@foreign_key_checks = ${options.foreignKeyChecks ? 'on' : 'off'}`);
  return out;
}

/** The session settings of pre-query text; INVALID_ARGUMENT for a setting vtsim does not apply. */
function settingsFromWire(settings: readonly string[]): Pick<ExecuteOptions, 'sqlMode' | 'foreignKeyChecks'> {
  const out: Pick<ExecuteOptions, 'sqlMode' | 'foreignKeyChecks'> = {};
  for (const setting of settings) {
    const mode = SQL_MODE_SETTING.exec(setting);
    const fk = FOREIGN_KEY_CHECKS_SETTING.exec(setting);
    if (mode) out.sqlMode = mode[1]!.replace(/\\(.)/g, '$1');
    else if (fk) out.foreignKeyChecks = fk[1] === 'on';
    else throw new VtError(Code.INVALID_ARGUMENT, `unsupported setting: ${setting}`);
  }
  return out;
}

/** The ExecuteOptions-related fields of an execute-like request, as they go on the wire. */
export interface ExecuteOptionsWire {
  options: { included_fields?: number; client_found_rows?: boolean; transaction_access_mode?: number[] } | null;
  vtsim_settings: string[];
  vtsim_database: string;
}

/**
 * The wire fields of `options`; `readOnly` (ReserveBeginExecute) sets the transaction access mode.
 * ExecuteOptions goes when the caller set one (vtgate always does); client_found_rows alone sends
 * included_fields TYPE_AND_NAME, as a Vitess client that leaves it unset does.
 */
export function executeOptionsToWire(options: ExecuteOptions | undefined, readOnly?: boolean): ExecuteOptionsWire {
  const modes = readOnly === undefined ? [] : [readOnly ? TransactionAccessMode.READ_ONLY : TransactionAccessMode.READ_WRITE];
  const wantsOptions = options?.includedFields !== undefined || options?.clientFoundRows || modes.length > 0;
  return {
    options: wantsOptions ? { included_fields: options?.includedFields ?? 0, client_found_rows: !!options?.clientFoundRows, transaction_access_mode: modes } : null,
    vtsim_settings: settingsToWire(options),
    vtsim_database: options?.database ?? '',
  };
}

/** The ExecuteOptions of a decoded request (undefined when it sets none). */
export function executeOptionsFromWire(req: ExecuteOptionsWire): ExecuteOptions | undefined {
  const opts: ExecuteOptions = settingsFromWire(req.vtsim_settings);
  if (req.options) {
    if (req.options.included_fields !== undefined) opts.includedFields = req.options.included_fields;
    if (req.options.client_found_rows) opts.clientFoundRows = true;
  }
  if (req.vtsim_database) opts.database = req.vtsim_database;
  return Object.keys(opts).length ? opts : undefined;
}

/** The access mode a request's ExecuteOptions.transaction_access_mode asks for (undefined: the server's default). */
export function readOnlyFromWire(options: ExecuteOptionsWire['options']): boolean | undefined {
  const modes = options?.transaction_access_mode ?? [];
  return modes.includes(TransactionAccessMode.READ_ONLY) ? true : modes.includes(TransactionAccessMode.READ_WRITE) ? false : undefined;
}
