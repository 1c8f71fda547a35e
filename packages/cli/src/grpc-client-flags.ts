/**
 * Vitess's gRPC client flags (grpcclient) as `vtsim up` and `vtsim vttablet` take them for the
 * connections to tablets in other processes: `--grpc_keepalive_time` and `--grpc_keepalive_timeout`
 * (Go durations, default 10s each). After the time without activity the client pings the tablet;
 * a ping unanswered within the timeout closes the connection, so a tablet behind a network
 * partition is seen as gone rather than waited for. Both 0 turn the pings off, as in Vitess; a
 * timeout of 0 alone means gRPC's 20s. Unlike grpc-go, which raises a time below 10s to 10s,
 * vtsim takes shorter times (tests use them to see a partition quickly). Dashes and underscores
 * are interchangeable, as in Vitess's flag parsing.
 */
import { parseDuration } from '@vtsim/vtctld';
import { DEFAULT_GRPC_KEEPALIVE, type GrpcKeepalive } from '@vtsim/vttablet';

/** The parseArgs options of the gRPC client flags. */
export const grpcClientFlagOptions = {
  grpc_keepalive_time: { type: 'string' },
  'grpc-keepalive-time': { type: 'string' },
  grpc_keepalive_timeout: { type: 'string' },
  'grpc-keepalive-timeout': { type: 'string' },
} as const;

/** gRPC's own keepalive timeout, what a timeout of 0 stands for. */
const GRPC_DEFAULT_KEEPALIVE_TIMEOUT_MS = 20_000;

/**
 * The keepalive the flags ask for (Vitess's defaults when not given; `timeMs` 0 when both are 0:
 * no pings). Throws Error naming the flag for a value that is not a Go duration.
 */
export function grpcKeepaliveFrom(values: Record<string, unknown>): GrpcKeepalive {
  const duration = (name: string, fallback: number): number => {
    const text = (values[name] ?? values[name.replaceAll('_', '-')]) as string | undefined;
    if (text === undefined) return fallback;
    try {
      return parseDuration(text);
    } catch {
      throw new Error(`invalid argument "${text}" for "--${name}" flag: time: invalid duration "${text}"`);
    }
  };
  const timeMs = duration('grpc_keepalive_time', DEFAULT_GRPC_KEEPALIVE.timeMs);
  const timeoutMs = duration('grpc_keepalive_timeout', DEFAULT_GRPC_KEEPALIVE.timeoutMs);
  if (timeMs === 0) return { timeMs: 0, timeoutMs };
  return { timeMs, timeoutMs: timeoutMs || GRPC_DEFAULT_KEEPALIVE_TIMEOUT_MS };
}
