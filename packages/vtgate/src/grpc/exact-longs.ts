/**
 * protobufjs (under @grpc/proto-loader) encodes and decodes 64-bit integers exactly only when it
 * found long.js; otherwise it silently goes through doubles (`current_time` nanoseconds lose their
 * last digits). It misses long.js when Node runs with `--conditions import` (as vitest's workers
 * do): `require('long')` then yields the ESM namespace instead of the class.
 */
import { Long } from '@grpc/proto-loader';
import { createRequire } from 'node:module';

interface ProtobufRuntime {
  util: { Long: unknown };
  configure(): void;
}

/** Makes sure the protobufjs instance proto-loader uses has long.js (protobufjs's documented `util.Long` + `configure()`). Idempotent. */
export function ensureExactLongs(): void {
  const fromLoader = createRequire(createRequire(import.meta.url).resolve('@grpc/proto-loader'));
  const protobuf = fromLoader('protobufjs') as ProtobufRuntime;
  if (protobuf.util.Long) return;
  const candidate = Long as unknown as { isLong?: unknown; default?: unknown };
  protobuf.util.Long = typeof candidate.isLong === 'function' ? candidate : candidate.default;
  protobuf.configure();
}
