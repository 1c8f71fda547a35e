/** The `--on-ddl` setting of a workflow: what its streams do with DDL they read from the source. */
import { Code } from '@vtsim/proto';
import { vtctldError } from '../vtctld-error.js';

/** binlogdata.OnDDLAction by name. */
const ACTIONS: Record<string, number> = { IGNORE: 0, STOP: 1, EXEC: 2, EXEC_IGNORE: 3 };

/** The OnDDLAction number of a name (case-insensitive; '' is IGNORE); INVALID_ARGUMENT for an unknown one. */
export function onDdlAction(name: string | undefined): number {
  const key = (name ?? '').trim().toUpperCase() || 'IGNORE';
  const action = ACTIONS[key];
  if (action === undefined) throw vtctldError(Code.INVALID_ARGUMENT, `invalid on-ddl value: ${name}`);
  return action;
}
