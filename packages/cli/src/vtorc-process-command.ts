/**
 * `vtsim vtorc` (without `up`/`down`, which vtorc-command.ts handles inside a cluster process):
 * VTOrc in its own process, as the local example's vtorc-up.sh starts it, on the etcd topology:
 * it polls every tablet over gRPC (FullStatus), repairs shards through the reparent operations
 * (EmergencyReparentShard when a primary dies) and serves its pages on `--port`, until
 * SIGINT/SIGTERM. It takes vtorc's own flags, with the local example's values as defaults.
 */
import { parseVtorcFlags } from '@vtsim/vtorc';
import { COMPONENT_FLAGS_USAGE, extractComponentFlags, runComponent } from './component-process.js';
import { VTORC_FLAGS_USAGE } from './vtorc-command.js';

const USAGE = `usage: vtsim vtorc [--port 16000] [vtorc flags]
${COMPONENT_FLAGS_USAGE}
       vtsim vtorc up|down …   VTOrc inside a running 'vtsim up' cluster instead (vtsim vtorc up --help)

Runs VTOrc in this process until SIGINT/SIGTERM, its pages (/debug/status, /api/replication-analysis,
/api/recent-recoveries) on --port; tablets are reached over gRPC, as their topology records advertise.

${VTORC_FLAGS_USAGE}`;

/** Runs `vtsim vtorc …` (the process form) with `args` (after `vtorc`); resolves with the exit code once it stops. */
export async function vtorcProcessMain(args: readonly string[], out: (line: string) => void): Promise<number> {
  const { flags, rest } = extractComponentFlags(args);
  if (flags.help) {
    out(USAGE);
    return 0;
  }
  const config = parseVtorcFlags(rest);
  return runComponent(
    {
      name: 'vtorc',
      flags,
      ports: [{ port: config.port, what: 'vtorc web' }],
      async start(cluster) {
        const port = await cluster.startVtorc(config);
        return { ready: `vtorc serving: web ${cluster.host}:${port}` };
      },
    },
    out,
  );
}
