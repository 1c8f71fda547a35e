/**
 * The protobuf text form ("prototext") of binlogdata.Journal, as SwitchTraffic stores it in
 * `<sidecar>.resharding_journal.val` and the vstreamer reads it back. Only the Journal message and
 * the messages it contains (ShardGtid, KeyspaceShard) are understood.
 */
import { Code, MigrationType, VtError, type Journal, type KeyspaceShard, type ShardGtid } from '@vtsim/proto';

/**
 * Formats a journal as compact prototext (`id:1 migration_type:SHARDS tables:"t" shard_gtids:{…}`),
 * leaving out fields that hold their zero value, as protobuf's text marshaller does. The output
 * round-trips through {@link parseJournal}.
 */
export function formatJournal(j: Journal): string {
  const parts: string[] = [];
  if (j.id !== '' && j.id !== '0') parts.push(`id:${j.id}`);
  if (j.migration_type !== MigrationType.TABLES) parts.push(`migration_type:${MigrationType[j.migration_type]}`);
  for (const t of j.tables) parts.push(`tables:${quote(t)}`);
  if (j.local_position) parts.push(`local_position:${quote(j.local_position)}`);
  for (const sg of j.shard_gtids) {
    const inner: string[] = [];
    if (sg.keyspace) inner.push(`keyspace:${quote(sg.keyspace)}`);
    if (sg.shard) inner.push(`shard:${quote(sg.shard)}`);
    if (sg.gtid) inner.push(`gtid:${quote(sg.gtid)}`);
    parts.push(`shard_gtids:{${inner.join(' ')}}`);
  }
  for (const p of j.participants) {
    const inner: string[] = [];
    if (p.keyspace) inner.push(`keyspace:${quote(p.keyspace)}`);
    if (p.shard) inner.push(`shard:${quote(p.shard)}`);
    parts.push(`participants:{${inner.join(' ')}}`);
  }
  for (const w of j.source_workflows) parts.push(`source_workflows:${quote(w)}`);
  return parts.join(' ');
}

/**
 * Parses the prototext of a binlogdata.Journal. Accepts what protobuf's text parsers accept for
 * these messages: `:` optional before a message, `{}` or `<>` around messages, `[a, b]` lists,
 * separators `,` `;`, `#` comments, adjacent string literals, C escapes, enum names or numbers.
 * Throws VtError INVALID_ARGUMENT naming the problem and its offset for anything else, including
 * unknown fields.
 */
export function parseJournal(text: string): Journal {
  const p = new TextParser(text);
  const journal: Journal = {
    id: '0',
    migration_type: MigrationType.TABLES,
    tables: [],
    local_position: '',
    shard_gtids: [],
    participants: [],
    source_workflows: [],
  };
  p.fields('', (name) => {
    switch (name) {
      case 'id':
        journal.id = p.integer();
        return;
      case 'migration_type':
        journal.migration_type = p.migrationType();
        return;
      case 'tables':
        p.repeated(() => journal.tables.push(p.string()));
        return;
      case 'local_position':
        journal.local_position = p.string();
        return;
      case 'shard_gtids':
        p.repeated(() => journal.shard_gtids.push(parseShardGtid(p)));
        return;
      case 'participants':
        p.repeated(() => journal.participants.push(parseKeyspaceShard(p)));
        return;
      case 'source_workflows':
        p.repeated(() => journal.source_workflows.push(p.string()));
        return;
      default:
        p.fail(`unknown field binlogdata.Journal.${name}`);
    }
  });
  return journal;
}

function parseShardGtid(p: TextParser): ShardGtid {
  const sg: ShardGtid = { keyspace: '', shard: '', gtid: '', table_p_ks: [] };
  p.message((name) => {
    if (name === 'keyspace') sg.keyspace = p.string();
    else if (name === 'shard') sg.shard = p.string();
    else if (name === 'gtid') sg.gtid = p.string();
    else p.fail(`unknown field binlogdata.ShardGtid.${name}`);
  });
  return sg;
}

function parseKeyspaceShard(p: TextParser): KeyspaceShard {
  const ks: KeyspaceShard = { keyspace: '', shard: '' };
  p.message((name) => {
    if (name === 'keyspace') ks.keyspace = p.string();
    else if (name === 'shard') ks.shard = p.string();
    else p.fail(`unknown field binlogdata.KeyspaceShard.${name}`);
  });
  return ks;
}

/** Quotes a string as a prototext literal: quotes, backslashes and control characters escaped, other text as is. */
function quote(s: string): string {
  let out = '"';
  for (const c of s) {
    const code = c.codePointAt(0)!;
    if (c === '"') out += '\\"';
    else if (c === '\\') out += '\\\\';
    else if (c === '\n') out += '\\n';
    else if (c === '\r') out += '\\r';
    else if (c === '\t') out += '\\t';
    else if (code < 0x20 || code === 0x7f) out += `\\${code.toString(8).padStart(3, '0')}`;
    else out += c;
  }
  return out + '"';
}

const SIMPLE_ESCAPES: Record<string, number> = {
  a: 7, b: 8, f: 12, n: 10, r: 13, t: 9, v: 11, '\\': 92, "'": 39, '"': 34, '?': 63,
};

/** A cursor over prototext with the few productions the Journal needs. */
class TextParser {
  private i = 0;

  constructor(private readonly text: string) {}

  /** Reads `name[:] value` fields until `close` ('' = end of text), calling `field` for each name. */
  fields(close: string, field: (name: string) => void): void {
    for (;;) {
      this.skip();
      if (close === '' ? this.i >= this.text.length : this.text[this.i] === close) {
        if (close !== '') this.i++;
        return;
      }
      if (this.i >= this.text.length) this.fail(`expected '${close}'`);
      const name = this.identifier();
      this.skip();
      if (this.text[this.i] === ':') this.i++;
      field(name);
      this.skip();
      if (this.text[this.i] === ',' || this.text[this.i] === ';') this.i++;
    }
  }

  /** Reads one value, or a `[v, v, …]` list of them, calling `one` per value. */
  repeated(one: () => void): void {
    this.skip();
    if (this.text[this.i] !== '[') {
      one();
      return;
    }
    this.i++;
    this.skip();
    if (this.text[this.i] === ']') {
      this.i++;
      return;
    }
    for (;;) {
      one();
      this.skip();
      const c = this.text[this.i++];
      if (c === ']') return;
      if (c !== ',') this.fail("expected ',' or ']'");
    }
  }

  /** Reads a `{…}` or `<…>` message body, calling `field` per field name. */
  message(field: (name: string) => void): void {
    this.skip();
    const open = this.text[this.i];
    if (open !== '{' && open !== '<') this.fail("expected '{' or '<'");
    this.i++;
    this.fields(open === '{' ? '}' : '>', field);
  }

  /** Reads one or more adjacent quoted strings and returns their concatenated, unescaped text. */
  string(): string {
    this.skip();
    const bytes: number[] = [];
    let any = false;
    while (this.text[this.i] === '"' || this.text[this.i] === "'") {
      any = true;
      this.quoted(bytes);
      this.skip();
    }
    if (!any) this.fail('expected a string');
    return Buffer.from(bytes).toString('utf8');
  }

  /** Reads a decimal integer (optionally negative) and returns its canonical text. */
  integer(): string {
    this.skip();
    const m = /^-?(0x[0-9a-fA-F]+|\d+)/.exec(this.text.slice(this.i));
    if (!m) this.fail('expected an integer');
    this.i += m[0].length;
    return BigInt(m[0]).toString();
  }

  /** Reads a binlogdata.MigrationType given by name or number. */
  migrationType(): MigrationType {
    this.skip();
    const token = /[-\d]/.test(this.text[this.i] ?? '') ? this.integer() : this.identifier();
    const value = /^-?\d+$/.test(token) ? Number(token) : MigrationType[token as keyof typeof MigrationType];
    if (typeof value !== 'number' || MigrationType[value] === undefined) this.fail(`invalid value ${token} for enum binlogdata.MigrationType`);
    return value;
  }

  /** Throws the parse error for the current offset. */
  fail(message: string): never {
    throw new VtError(Code.INVALID_ARGUMENT, `cannot parse journal text at offset ${this.i}: ${message}`);
  }

  private identifier(): string {
    const m = /^[A-Za-z_][A-Za-z0-9_]*/.exec(this.text.slice(this.i, this.i + 256));
    if (!m) this.fail('expected a field name');
    this.i += m[0].length;
    return m[0];
  }

  private quoted(out: number[]): void {
    const q = this.text[this.i++]!;
    for (;;) {
      if (this.i >= this.text.length) this.fail('unterminated string');
      const c = this.text[this.i++]!;
      if (c === q) return;
      if (c === '\n') this.fail('newline in string');
      if (c !== '\\') {
        for (const b of Buffer.from(c, 'utf8')) out.push(b);
        continue;
      }
      const e = this.text[this.i++] ?? '';
      if (e in SIMPLE_ESCAPES) out.push(SIMPLE_ESCAPES[e]!);
      else if (/[0-7]/.test(e)) {
        let digits = e;
        while (digits.length < 3 && /[0-7]/.test(this.text[this.i] ?? '')) digits += this.text[this.i++];
        out.push(parseInt(digits, 8) & 0xff);
      } else if (e === 'x') {
        const m = /^[0-9a-fA-F]{1,2}/.exec(this.text.slice(this.i, this.i + 2));
        if (!m) this.fail('bad \\x escape');
        this.i += m[0].length;
        out.push(parseInt(m[0], 16));
      } else if (e === 'u' || e === 'U') {
        const n = e === 'u' ? 4 : 8;
        const hex = this.text.slice(this.i, this.i + n);
        if (!new RegExp(`^[0-9a-fA-F]{${n}}$`).test(hex)) this.fail(`bad \\${e} escape`);
        this.i += n;
        for (const b of Buffer.from(String.fromCodePoint(parseInt(hex, 16)), 'utf8')) out.push(b);
      } else this.fail(`unknown escape \\${e}`);
    }
  }

  /** Skips whitespace and `#` comments. */
  private skip(): void {
    for (;;) {
      const c = this.text[this.i];
      if (c === ' ' || c === '\n' || c === '\t' || c === '\r') this.i++;
      else if (c === '#') {
        while (this.i < this.text.length && this.text[this.i] !== '\n') this.i++;
      } else return;
    }
  }
}
