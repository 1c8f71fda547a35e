/**
 * What query.ExecuteRequest and BeginRequest carry besides the query: the transaction access mode
 * (ExecuteOptions.TransactionAccessMode) and the session settings vtgate applies on the tablet's
 * connection, as the pre-query text Vitess sends ahead of a query on a reserved connection
 * (`set @@sql_mode = '…'`, `set @@foreign_key_checks = on|off`; ExecuteRequest.vtsim_settings).
 */
import { Code, VtError } from '@vtsim/proto';
import type { ExecuteOptions } from '../query-service.js';

/** query.ExecuteOptions.TransactionAccessMode. */
export const enum TransactionAccessMode {
  READ_WRITE = 1,
  READ_ONLY = 2,
}

const SQL_MODE_SETTING = /^set @@sql_mode = '((?:[^'\\]|\\.)*)'$/;
const FOREIGN_KEY_CHECKS_SETTING = /^set @@foreign_key_checks = (on|off)$/;

/** The pre-query text of the session settings in `options`. */
export function settingsToWire(options: ExecuteOptions | undefined): string[] {
  const out: string[] = [];
  if (options?.sqlMode !== undefined) out.push(`set @@sql_mode = '${options.sqlMode.replace(/[\\']/g, (c) => `\\${c}`)}'`);
  if (options?.foreignKeyChecks !== undefined) out.push(`set @@foreign_key_checks = ${options.foreignKeyChecks ? 'on' : 'off'}`);
  return out;
}

/** The session settings of pre-query text; INVALID_ARGUMENT for a setting vtsim does not apply. */
export function settingsFromWire(settings: readonly string[]): Pick<ExecuteOptions, 'sqlMode' | 'foreignKeyChecks'> {
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
