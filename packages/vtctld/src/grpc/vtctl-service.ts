/**
 * `vtctlservice.Vtctl`, the legacy vtctl API: ExecuteVtctlCommand runs one vtctl command line in
 * vtctld (see vtctl/vtctl-command.ts) against vtctld's own RPCs, and streams what the command
 * prints as `logutil.Event`s of level CONSOLE, one per write, as Vitess's vtctl logger sends them.
 * A failing command ends the stream with its gRPC status: the vtrpc code of a failed RPC, UNKNOWN
 * for bad arguments (Vitess's plain errors). A command's output is small and bounded, so events
 * are written as they come.
 */
import { readFile } from 'node:fs/promises';
import { status as GrpcStatus, type ServerWritableStream, type UntypedServiceImplementation } from '@grpc/grpc-js';
import { EventLog } from '../event-log.js';
import type { Vtctld } from '../vtctld.js';
import { runVtctlCommand } from '../vtctl/vtctl-command.js';
import { localVtctldClient } from './local-vtctld-client.js';
import { VtctldCallError } from './vtctld-client.js';

/** vtctldata.ExecuteVtctlCommandRequest as decoded. */
interface ExecuteVtctlCommandRequestWire {
  args: string[];
  action_timeout: string;
}

/** The handler table of `vtctlservice.Vtctl`. */
export function vtctlServiceImplementation(vtctld: Vtctld): UntypedServiceImplementation {
  return {
    ExecuteVtctlCommand(call: ServerWritableStream<ExecuteVtctlCommandRequestWire, unknown>): void {
      void executeVtctlCommand(vtctld, call);
    },
  };
}

async function executeVtctlCommand(vtctld: Vtctld, call: ServerWritableStream<ExecuteVtctlCommandRequestWire, unknown>): Promise<void> {
  const client = localVtctldClient(vtctld);
  const log = new EventLog(vtctld.clock, 'vtctl.go', (event) => {
    if (!call.cancelled && !call.destroyed) call.write({ event });
  });
  try {
    await runVtctlCommand(call.request.args, {
      call: (rpc, request) => client.call(rpc, request),
      out: (text) => log.console(text),
      readFile: (path) => readFile(path, 'utf8'),
      now: () => vtctld.clock.now(),
      sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
    });
    call.end();
  } catch (err) {
    if (call.cancelled) return;
    const code = err instanceof VtctldCallError ? err.code : GrpcStatus.UNKNOWN;
    const details = err instanceof VtctldCallError ? err.details : err instanceof Error ? err.message : String(err);
    call.emit('error', { code, details, message: details });
  }
}
