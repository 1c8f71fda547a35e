/**
 * `vtsim vtorc up|down`: starts or stops VTOrc in the running cluster, as the local example's
 * vtorc-up.sh and vtorc-down.sh start and stop the vtorc process. `up` takes vtorc's own flags
 * (`--instance-poll-time 1s`, `--allow-emergency-reparent=false`, …; the local example's values are
 * the defaults); `--vtorc-port` is vtorc's `--port` (default 16000, 0 for any free port), since
 * `--host`/`--port` name the cluster's control endpoint as in every other vtsim command (whose
 * other port flags are accepted and ignored).
 */
import { controlAddress, controlCall } from './control-client.js';

/** vtorc's own flags with their defaults, for the usage of `vtsim vtorc up` and of `vtsim vtorc` as a process. */
export const VTORC_FLAGS_USAGE = `vtorc flags (Vitess's names; defaults as in the local example):
  --instance-poll-time 1s  --recovery-poll-duration 1s  --topo-information-refresh-duration 15s
  --allow-emergency-reparent=true  --wait-replicas-timeout 30s  --prevent-cross-cell-failover=false
  --change-tablets-with-errant-gtid-to-drained=false  --remote-operation-timeout 15s
  --reasonable-replication-lag 10s`;

const USAGE = `usage: vtsim vtorc up [--host 127.0.0.1 --port 15000] [--vtorc-port 16000] [vtorc flags] | vtsim vtorc down

${VTORC_FLAGS_USAGE}`;

/** Runs `vtsim vtorc …` with `args` (after `vtorc`); resolves with the exit code. */
export async function vtorcMain(args: readonly string[], log: (line: string) => void): Promise<number> {
  const [sub, ...rest] = args;
  if (sub === undefined || sub === '--help' || sub === '-h' || rest.includes('--help')) {
    log(USAGE);
    return sub === undefined ? 1 : 0;
  }
  const given: { host?: string; port?: string } = {};
  const forwarded: string[] = [];
  for (let i = 0; i < rest.length; i++) {
    const m = /^--(host|port|vtorc-port|mysql-port|grpc-port|vtctld-grpc-port)(?:=(.*))?$/.exec(rest[i]!);
    if (!m) {
      forwarded.push(rest[i]!);
      continue;
    }
    const value = m[2] ?? rest[++i];
    if (value === undefined) throw new Error(`flag needs an argument: --${m[1]}`);
    if (m[1] === 'host' || m[1] === 'port') given[m[1]] = value;
    else if (m[1] === 'vtorc-port') forwarded.push('--port', value);
    // The other ports of the cluster, which every vtsim command accepts, do not concern VTOrc.
  }
  const control = controlAddress(given);
  switch (sub) {
    case 'up': {
      const { port } = (await controlCall(control, 'POST', '/api/vtorc', { args: forwarded })) as { port: number };
      log('vtorc is running!');
      log(`  - UI: http://localhost:${port}`);
      return 0;
    }
    case 'down':
      if (forwarded.length > 0) throw new Error(`vtorc down takes no flags (got ${forwarded[0]})`);
      await controlCall(control, 'DELETE', '/api/vtorc');
      return 0;
    default:
      throw new Error(`unknown vtorc command '${sub}'\n\n${USAGE}`);
  }
}
