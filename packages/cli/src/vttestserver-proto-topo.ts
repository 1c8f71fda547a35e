/**
 * vttestserver's `--proto_topo`: a VTTestTopology (vttest.proto) in protobuf text format, e.g.
 * `keyspaces { name: "ks" shards { name: "-80" } shards { name: "80-" } replica_count: 2 } cells: "test"`.
 * The subset vtsim reads: VTTestTopology's `keyspaces` and `cells`, Keyspace's `name`, `shards`,
 * `replica_count` and `rdonly_count`, Shard's `name`. Fields vtsim cannot honour (`served_from`,
 * `db_name_override`, `routing_rules`, …) are refused by name; text format errors name the position.
 */

/** A keyspace of the topology, with vttest.proto's counts (0 = vtcombo's default). */
export interface ProtoTopoKeyspace {
  name: string;
  shards: string[];
  replicaCount: number;
  rdonlyCount: number;
}

/** The parsed VTTestTopology. */
export interface ProtoTopo {
  keyspaces: ProtoTopoKeyspace[];
  cells: string[];
}

type Token = { kind: 'ident' | 'string' | 'number' | 'punct'; text: string; at: number };

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  const re = /\s+|#[^\n]*|([A-Za-z_][\w.]*)|("(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*')|(-?\d+(?:\.\d+)?)|([{}<>:;,\[\]])/gy;
  let m: RegExpExecArray | null;
  while (re.lastIndex < text.length) {
    const at = re.lastIndex;
    m = re.exec(text);
    if (!m) throw new Error(`--proto_topo: unexpected character '${text[at]}' at offset ${at}`);
    if (m[1]) tokens.push({ kind: 'ident', text: m[1], at });
    else if (m[2]) tokens.push({ kind: 'string', text: m[2].slice(1, -1).replace(/\\(.)/g, '$1'), at });
    else if (m[3]) tokens.push({ kind: 'number', text: m[3], at });
    else if (m[4]) tokens.push({ kind: 'punct', text: m[4], at });
  }
  return tokens;
}

/** A text-format message: each field name with its values (scalars as strings, messages as nested objects). */
type TextMessage = Map<string, (string | TextMessage)[]>;

function parseMessage(tokens: Token[], pos: { i: number }, close: string | undefined): TextMessage {
  const msg: TextMessage = new Map();
  for (;;) {
    const tok = tokens[pos.i];
    if (!tok) {
      if (close) throw new Error(`--proto_topo: missing '${close}' at the end`);
      return msg;
    }
    if (tok.kind === 'punct' && tok.text === close) {
      pos.i++;
      return msg;
    }
    if (tok.kind === 'punct' && (tok.text === ';' || tok.text === ',')) {
      pos.i++;
      continue;
    }
    if (tok.kind !== 'ident') throw new Error(`--proto_topo: expected a field name at offset ${tok.at}, found '${tok.text}'`);
    pos.i++;
    let next = tokens[pos.i];
    if (next?.kind === 'punct' && next.text === ':') next = tokens[++pos.i];
    let value: string | TextMessage;
    if (next?.kind === 'punct' && (next.text === '{' || next.text === '<')) {
      pos.i++;
      value = parseMessage(tokens, pos, next.text === '{' ? '}' : '>');
    } else if (next && next.kind !== 'punct') {
      value = next.text;
      pos.i++;
    } else {
      throw new Error(`--proto_topo: field '${tok.text}' has no value (offset ${tok.at})`);
    }
    msg.set(tok.text, [...(msg.get(tok.text) ?? []), value]);
  }
}

function only(msg: TextMessage, type: string, allowed: string[]): void {
  for (const field of msg.keys()) {
    if (!allowed.includes(field)) throw new Error(`--proto_topo: ${type}.${field} is not supported by vtsim (it reads ${allowed.join(', ')})`);
  }
}

function scalar(msg: TextMessage, field: string, type: string): string | undefined {
  const values = msg.get(field);
  if (!values) return undefined;
  const value = values[values.length - 1]!;
  if (typeof value !== 'string') throw new Error(`--proto_topo: ${type}.${field} must be a scalar`);
  return value;
}

function count(msg: TextMessage, field: string, type: string): number {
  const text = scalar(msg, field, type) ?? '0';
  if (!/^\d+$/.test(text)) throw new Error(`--proto_topo: ${type}.${field} must be a non-negative integer, not '${text}'`);
  return Number(text);
}

function messages(msg: TextMessage, field: string, type: string): TextMessage[] {
  return (msg.get(field) ?? []).map((v) => {
    if (typeof v === 'string') throw new Error(`--proto_topo: ${type}.${field} must be a message`);
    return v;
  });
}

/** Parses `--proto_topo`'s text; throws an Error naming what is wrong or unsupported. */
export function parseProtoTopo(text: string): ProtoTopo {
  const root = parseMessage(tokenize(text), { i: 0 }, undefined);
  only(root, 'VTTestTopology', ['keyspaces', 'cells']);
  const keyspaces = messages(root, 'keyspaces', 'VTTestTopology').map((ks) => {
    only(ks, 'Keyspace', ['name', 'shards', 'replica_count', 'rdonly_count']);
    const name = scalar(ks, 'name', 'Keyspace');
    if (!name) throw new Error('--proto_topo: a keyspace has no name');
    const shards = messages(ks, 'shards', 'Keyspace').map((shard) => {
      only(shard, 'Shard', ['name']);
      const shardName = scalar(shard, 'name', 'Shard');
      if (!shardName) throw new Error(`--proto_topo: a shard of keyspace ${name} has no name`);
      return shardName;
    });
    return { name, shards, replicaCount: count(ks, 'replica_count', 'Keyspace'), rdonlyCount: count(ks, 'rdonly_count', 'Keyspace') };
  });
  const cells = (root.get('cells') ?? []).map((c) => {
    if (typeof c !== 'string') throw new Error('--proto_topo: VTTestTopology.cells must be strings');
    return c;
  });
  return { keyspaces, cells };
}
