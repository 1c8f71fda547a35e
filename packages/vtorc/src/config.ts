/**
 * VTOrc's configuration: the durations and switches of Vitess's vtorc flags, with the local
 * example's values as defaults (its vtorc-up.sh passes `--instance-poll-time 1s`,
 * `--recovery-poll-duration 1s`, `--allow-emergency-reparent true` and
 * `--wait-replicas-timeout 30s`), and the parser of those flags.
 */
import { parseFlags, type FlagSpec } from '@vtsim/vtctld';

/** What VTOrc runs with (durations in milliseconds). */
export interface VtorcConfig {
  /** `--instance-poll-time`: how often every tablet's mysqld is polled (FullStatus). */
  instancePollTimeMs: number;
  /** `--recovery-poll-duration`: how often the replication analysis runs and recoveries start. */
  recoveryPollDurationMs: number;
  /** `--topo-information-refresh-duration`: how often the tablet list is re-read from the topology. */
  topoInformationRefreshDurationMs: number;
  /** `--allow-emergency-reparent`: whether dead primaries are replaced (EmergencyReparentShard). */
  allowEmergencyReparent: boolean;
  /** `--wait-replicas-timeout`: the wait the reparents VTOrc runs are given. */
  waitReplicasTimeoutMs: number;
  /** `--prevent-cross-cell-failover`: EmergencyReparentShard keeps the primary in its cell. */
  preventCrossCellFailover: boolean;
  /** `--change-tablets-with-errant-gtid-to-drained`: a replica with errant GTIDs becomes DRAINED. */
  changeTabletsWithErrantGtidToDrained: boolean;
  /** `--remote-operation-timeout`: how long a tablet-manager call may take before the tablet counts as unreachable. */
  remoteOperationTimeoutMs: number;
  /** `--reasonable-replication-lag`: above it a replica counts as lagging. */
  reasonableReplicationLagMs: number;
  /** `--port`: the HTTP port of VTOrc's status pages (the local example's 16000). */
  port: number;
}

/** The local example's VTOrc configuration (Vitess's defaults elsewhere). */
export const DEFAULT_VTORC_CONFIG: Readonly<VtorcConfig> = {
  instancePollTimeMs: 1000,
  recoveryPollDurationMs: 1000,
  topoInformationRefreshDurationMs: 15_000,
  allowEmergencyReparent: true,
  waitReplicasTimeoutMs: 30_000,
  preventCrossCellFailover: false,
  changeTabletsWithErrantGtidToDrained: false,
  remoteOperationTimeoutMs: 15_000,
  reasonableReplicationLagMs: 10_000,
  port: 16000,
};

const FLAGS: Record<string, FlagSpec & { key: keyof VtorcConfig }> = {
  'instance-poll-time': { type: 'duration', key: 'instancePollTimeMs' },
  'recovery-poll-duration': { type: 'duration', key: 'recoveryPollDurationMs' },
  'topo-information-refresh-duration': { type: 'duration', key: 'topoInformationRefreshDurationMs' },
  'allow-emergency-reparent': { type: 'bool', key: 'allowEmergencyReparent' },
  'wait-replicas-timeout': { type: 'duration', key: 'waitReplicasTimeoutMs' },
  'prevent-cross-cell-failover': { type: 'bool', key: 'preventCrossCellFailover' },
  'change-tablets-with-errant-gtid-to-drained': { type: 'bool', key: 'changeTabletsWithErrantGtidToDrained' },
  'remote-operation-timeout': { type: 'duration', key: 'remoteOperationTimeoutMs' },
  'reasonable-replication-lag': { type: 'duration', key: 'reasonableReplicationLagMs' },
  port: { type: 'int', key: 'port' },
};

/**
 * Reads vtorc's flags (`--instance-poll-time 1s`, `--allow-emergency-reparent=false`, …, dashes or
 * underscores) over the defaults. Throws `unknown flag: --x`, a value error, or for a positional
 * argument.
 */
export function parseVtorcFlags(args: readonly string[]): VtorcConfig {
  const { flags, positionals } = parseFlags(args, FLAGS);
  if (positionals.length > 0) throw new Error(`unexpected argument "${positionals[0]}"`);
  const config: VtorcConfig = { ...DEFAULT_VTORC_CONFIG };
  for (const [name, spec] of Object.entries(FLAGS)) {
    const value = flags[name];
    if (value !== undefined) (config as unknown as Record<string, unknown>)[spec.key] = value;
  }
  for (const [key, ms] of [['instance-poll-time', config.instancePollTimeMs], ['recovery-poll-duration', config.recoveryPollDurationMs]] as const) {
    if (ms <= 0) throw new Error(`--${key} must be positive`);
  }
  return config;
}
