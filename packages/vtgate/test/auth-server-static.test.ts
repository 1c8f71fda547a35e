// vtgate's static auth server (go/mysql/auth_server_static.go's rules): the JSON shapes it reads,
// what it refuses, and the mysql_native_password checks against clear-text and hashed entries.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqlError } from '@vtsim/proto';
import { describe, expect, it } from 'vitest';
import { AuthServerStatic, parseAuthServerStaticConfig } from '../src/mysql-server/auth-server-static.js';
import { nativePasswordHash, scrambleNativePassword } from '../src/mysql-server/mysql-native-password.js';

const SCRAMBLE = Buffer.from('0123456789abcdefghij');

function login(server: AuthServerStatic, user: string, password: string): string {
  try {
    const data = server.validateNativePassword(SCRAMBLE, user, scrambleNativePassword(SCRAMBLE, password));
    return `ok ${data.username} [${data.groups.join(',')}]`;
  } catch (err) {
    return err instanceof SqlError ? `${err.errno} ${err.sqlState} ${err.message}` : String(err);
  }
}

describe('mysql_native_password', () => {
  it('hashes as MySQL 5.7 PASSWORD() did and scrambles as clients do', () => {
    // PASSWORD('mypass') as documented in Vitess's auth_server_static.go.
    expect(nativePasswordHash('mypass')).toBe('*6C8989366EAF75BB670AD8EA7A7FC1176A95CEF4');
    expect(scrambleNativePassword(SCRAMBLE, '')).toEqual(Buffer.alloc(0));
    expect(scrambleNativePassword(SCRAMBLE, 'x')).toHaveLength(20);
  });
});

describe('parseAuthServerStaticConfig', () => {
  it('reads the list shape with every field, keys in any case', () => {
    const c = parseAuthServerStaticConfig('{"u": [{"password": "p", "UserData": "d", "Groups": ["g1", "g2"]}, {"MysqlNativePassword": "*00"}], "": []}');
    expect(c.get('u')).toEqual([
      { MysqlNativePassword: '', Password: 'p', UserData: 'd', SourceHost: '', Groups: ['g1', 'g2'] },
      { MysqlNativePassword: '*00', Password: '', UserData: '', SourceHost: '', Groups: [] },
    ]);
    expect(c.get('')).toEqual([]);
  });

  it('falls back to the legacy one-entry shape', () => {
    expect(parseAuthServerStaticConfig('{"u": {"Password": "p"}}').get('u')).toEqual([{ MysqlNativePassword: '', Password: 'p', UserData: '', SourceHost: '', Groups: [] }]);
  });

  it('refuses unknown fields, wrong types, bad JSON and a SourceHost other than localhost', () => {
    expect(() => parseAuthServerStaticConfig('{"u": [{"Pass": "p"}]}')).toThrow('json: cannot unmarshal array into Go value of type mysql.AuthServerStaticEntry');
    expect(() => parseAuthServerStaticConfig('{"u": {"Pass": "p"}}')).toThrow('json: unknown field "Pass"');
    expect(() => parseAuthServerStaticConfig('{"u": {"Password": 1}}')).toThrow('json: cannot unmarshal number into Go struct field AuthServerStaticEntry.Password of type string');
    expect(() => parseAuthServerStaticConfig('[]')).toThrow('json: cannot unmarshal array');
    expect(() => parseAuthServerStaticConfig('{')).toThrow(SyntaxError);
    expect(() => parseAuthServerStaticConfig('{"u": [{"Password": "p", "SourceHost": "10.0.0.1"}]}')).toThrow('invalid SourceHost found (only localhost is supported): 10.0.0.1');
  });
});

describe('AuthServerStatic', () => {
  const config = {
    u: [{ Password: 'first', UserData: 'one' }, { Password: 'second', UserData: 'two', Groups: ['admins'] }],
    h: [{ MysqlNativePassword: nativePasswordHash('hashed'), UserData: 'h' }],
    bad: [{ MysqlNativePassword: 'not-hex', Password: 'p' }],
    local: [{ Password: 'p', SourceHost: 'localhost' }],
    '': [{ Password: '' }],
  };
  const server = AuthServerStatic.fromFlags({ string: JSON.stringify(config) })!;

  it('accepts any of a user\'s entries and returns its UserData and Groups', () => {
    expect(login(server, 'u', 'first')).toBe('ok one []');
    expect(login(server, 'u', 'second')).toBe('ok two [admins]');
    expect(login(server, 'h', 'hashed')).toBe('ok h []');
    expect(login(server, '', '')).toBe('ok  []');
  });

  it('refuses wrong passwords, unknown users, undecodable hashes and localhost-only entries with 1045', () => {
    expect(login(server, 'u', 'third')).toBe("1045 28000 Access denied for user 'u'");
    expect(login(server, 'h', '')).toBe("1045 28000 Access denied for user 'h'");
    expect(login(server, 'nobody', 'first')).toBe("1045 28000 Access denied for user 'nobody'");
    expect(login(server, 'bad', 'p')).toBe("1045 28000 Access denied for user 'bad'");
    expect(login(server, 'local', 'p')).toBe("1045 28000 Access denied for user 'local'");
    expect(login(server, '', 'x')).toBe("1045 28000 Access denied for user ''");
  });

  it('is off without flags and refuses both flags together or an empty user list', () => {
    expect(AuthServerStatic.fromFlags({})).toBeUndefined();
    expect(() => AuthServerStatic.fromFlags({ file: '/f', string: '{}' })).toThrow('Both mysql_auth_server_static_file and mysql_auth_server_static_string specified, can only use one.');
    expect(() => AuthServerStatic.fromFlags({ string: '{}' })).toThrow('Failed to populate entries from file: ');
    expect(() => AuthServerStatic.fromFlags({ file: '/nonexistent/users.json' })).toThrow('Failed to populate entries from file: /nonexistent/users.json');
  });

  it('re-reads its file on reload() and keeps the old entries when the new file does not parse', () => {
    const dir = mkdtempSync(join(tmpdir(), 'vtsim-auth-'));
    const file = join(dir, 'users.json');
    writeFileSync(file, JSON.stringify({ a: [{ Password: 'one' }] }));
    const logs: string[] = [];
    const s = AuthServerStatic.fromFlags({ file }, (l) => logs.push(l))!;
    try {
      expect(login(s, 'a', 'one')).toBe('ok  []');
      writeFileSync(file, JSON.stringify({ a: [{ Password: 'two' }] }));
      expect(login(s, 'a', 'two')).toBe("1045 28000 Access denied for user 'a'");
      s.reload();
      expect(login(s, 'a', 'two')).toBe('ok  []');
      writeFileSync(file, '{ not json');
      s.reload();
      expect(login(s, 'a', 'two')).toBe('ok  []');
      expect(logs).toHaveLength(1);
      expect(logs[0]).toMatch(/^Error parsing auth server config: /);
    } finally {
      s.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
