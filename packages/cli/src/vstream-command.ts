/**
 * `vtsim vstream`: a VStream client of vtgate's gRPC API, built only from the `.proto` files. It
 * prints one line per VStreamResponse (Go's `%v` text form, protobuf JSON, or the tour's short
 * readable line) and can keep the last VGTID in a file so that a restart resumes where it stopped.
 */
import { readFileSync } from 'node:fs';
import { Code, VtError } from '@vtsim/proto';
import { loadVitessProtos, VtgateClient, type DecodedMessage, type ProtoSchema } from '@vtsim/vtgate';
import { staticClientCreds } from './static-client-creds.js';
import { parseVStreamArgs, VSTREAM_USAGE, type VStreamCommandOptions } from './vstream-args.js';
import { formatVStreamResponseJson } from './vstream-json-format.js';
import { formatVStreamResponseLine, newVStreamLineState, wantsColor } from './vstream-line-format.js';
import { formatVStreamResponseText } from './vstream-text-format.js';
import { lastVgtid, loadVgtid, saveVgtid } from './vstream-vgtid-file.js';

/** What a VStream client run needs. */
export interface VStreamClientOptions {
  /** `host:port` of vtgate's gRPC service. */
  server: string;
  /** A `vtgate.VStreamRequest` with proto field names (enums by name or number). */
  request: object;
  format: 'text' | 'json' | 'line';
  /** Colour the `line` format's lines. */
  color?: boolean;
  /** Write the last VGTID to this file after each response that carries one. */
  saveVgtid?: string;
  /** Call metadata, e.g. the `username`/`password` of a vtgate with `--grpc_auth_mode static`. */
  metadata?: Record<string, string>;
}

/**
 * Streams until the server ends the stream (resolves) or `signal` aborts (resolves), handing each
 * response's line to `onLine` and waiting for it before reading on (a slow consumer slows the
 * stream). Server errors reject with a VtError carrying the status code and message.
 */
export async function runVStreamClient(opts: VStreamClientOptions, onLine: (line: string) => void | Promise<void>, signal?: AbortSignal): Promise<void> {
  const client = VtgateClient.connect(opts.server, { enums: 'names', metadata: opts.metadata });
  const schema = client.schema;
  const lines = newVStreamLineState();
  const format =
    opts.format === 'json' ? formatVStreamResponseJson : opts.format === 'line' ? (_: ProtoSchema, r: DecodedMessage) => formatVStreamResponseLine(r, lines, opts.color) : formatVStreamResponseText;
  try {
    for await (const response of client.vstream(opts.request, signal)) {
      if (opts.saveVgtid) {
        const vgtid = lastVgtid(response);
        if (vgtid) saveVgtid(schema, opts.saveVgtid, vgtid);
      }
      await onLine(format(schema, response));
    }
  } finally {
    client.close();
  }
}

/** Where `vtsim vstream` writes. */
export interface VStreamCommandIo {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
  /** Aborting it stops the stream quietly. */
  signal?: AbortSignal;
}

/**
 * Runs `vtsim vstream <flags>` and resolves to the exit code: 0 when the stream ended or was
 * interrupted, 1 after printing `ERROR: <code>: <message>` (server errors) or `ERROR: <message>`
 * (bad flags) to stderr.
 */
export async function vstreamCommand(argv: readonly string[], io: VStreamCommandIo): Promise<number> {
  const schema = loadVitessProtos('names').schema;
  let opts: VStreamCommandOptions;
  let request: VStreamCommandOptions['request'];
  let metadata: Record<string, string> | undefined;
  try {
    opts = parseVStreamArgs(argv, schema);
    if (opts.help) {
      io.stdout.write(`${VSTREAM_USAGE}\n`);
      return 0;
    }
    request = { ...opts.request, vgtid: startPosition(opts, schema) };
    if (opts.credsFile !== undefined) metadata = staticClientCreds(readFileSync(opts.credsFile, 'utf8'));
  } catch (err) {
    io.stderr.write(`ERROR: ${(err as Error).message}\n`);
    return 1;
  }
  const write = (line: string): void | Promise<void> => {
    if (!io.stdout.write(`${line}\n`)) return new Promise((resolve) => io.stdout.once('drain', () => resolve()));
  };
  try {
    const color = opts.format === 'line' && wantsColor(io.stdout as NodeJS.WriteStream);
    await runVStreamClient({ server: opts.server, request, format: opts.format, color, saveVgtid: opts.saveVgtid, metadata }, write, io.signal);
    return 0;
  } catch (err) {
    const e = err instanceof VtError ? err : new VtError(Code.UNKNOWN, err instanceof Error ? err.message : String(err));
    io.stderr.write(`ERROR: ${Code[e.code] ?? e.code}: ${e.message}\n`);
    return 1;
  }
}

/** The VGTID to start from: the save file's when it exists and no position was given, else the flags'. */
function startPosition(opts: VStreamCommandOptions, schema: ProtoSchema): DecodedMessage {
  const saved = opts.saveVgtid && !opts.positionGiven ? loadVgtid(schema, opts.saveVgtid) : undefined;
  const vgtid = saved ?? opts.request.vgtid;
  if (!vgtid) throw new Error(`give --keyspace (with --shard/--gtid) or --vgtid\n\n${VSTREAM_USAGE}`);
  return vgtid;
}

/** `vtsim vstream` on the process's stdout and stderr, stopped quietly by Ctrl-C (SIGINT). */
export async function vstreamMain(argv: readonly string[]): Promise<number> {
  const controller = new AbortController();
  const interrupt = (): void => controller.abort();
  process.once('SIGINT', interrupt);
  try {
    return await vstreamCommand(argv, { stdout: process.stdout, stderr: process.stderr, signal: controller.signal });
  } finally {
    process.off('SIGINT', interrupt);
  }
}
