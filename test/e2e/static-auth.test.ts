// Issue 8 item 7: Vitess's static auth, off by default. A cluster started with vtgate's
// --mysql_auth_server_static_* flags and servenv's --grpc_auth_mode static lets in the right
// credentials and refuses wrong or missing ones on the MySQL protocol (mysql2 and the real mysql
// client) and on vtgate's and vtctld's gRPC services; a cluster without the flags accepts anything,
// as before. The flags also reach a detached `vtsim up` process and `vtsim vtgate up`.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mysql from 'mysql2/promise';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Cluster } from '@vtsim/cli';
import { Code, VtError } from '@vtsim/proto';
import { dialVtctld, VtctldCallError, type VtctldClient } from '@vtsim/vtctld';
import { nativePasswordHash, VtgateClient } from '@vtsim/vtgate';
import { describeMysqlCli, runMysql } from '../harness/mysql-cli.js';
import { ensureCliBuilt, freePort, runVtsim, vtsimEnv } from '../harness/vtsim-cli.js';

const MYSQL_USERS = JSON.stringify({
  alice: [{ Password: 'wonderland', UserData: 'alice-caller' }],
  bob: [{ MysqlNativePassword: nativePasswordHash('builder'), UserData: 'bob' }],
  '': [{ Password: '' }],
});
const GRPC_USERS = JSON.stringify([{ Username: 'cdc', Password: 's3cret' }]);
const CDC = { username: 'cdc', password: 's3cret' };

/** What a call ended with: 'OK', or its status code and details. */
async function outcome(call: () => Promise<unknown>): Promise<string> {
  try {
    await call();
    return 'OK';
  } catch (err) {
    if (err instanceof VtError) return `${Code[err.code]}: ${err.message}`;
    if (err instanceof VtctldCallError) return `${Code[err.code]}: ${err.details}`;
    throw err;
  }
}

/** Reads a StreamExecute/VStream to its end. */
async function drain(stream: AsyncIterable<unknown>): Promise<number> {
  let n = 0;
  for await (const _ of stream) n++;
  return n;
}

const select1 = { query: { sql: 'select 1 from dual' } };

async function mysqlLogin(port: number, user: string, password: string): Promise<string> {
  let conn: mysql.Connection | undefined;
  try {
    conn = await mysql.createConnection({ host: '127.0.0.1', port, user, password });
    const [rows] = await conn.query({ sql: 'select 1 from dual', rowsAsArray: true });
    return `ok ${JSON.stringify(rows)}`;
  } catch (err) {
    const e = err as { errno?: number; sqlState?: string; sqlMessage?: string };
    return `${e.errno} (${e.sqlState}): ${e.sqlMessage}`;
  } finally {
    await conn?.end();
  }
}

describe('a cluster with static auth on both protocols', () => {
  let dir: string;
  let cluster: Cluster;
  let grpcAddress: string;
  let vtctldAddress: string;
  let mysqlPort: number;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'vtsim-auth-'));
    writeFileSync(join(dir, 'grpc_users.json'), GRPC_USERS);
    const grpcAuth = { mode: 'static', staticPasswordFile: join(dir, 'grpc_users.json') };
    cluster = await Cluster.start({ seed: 'auth', mysqlPort: 0, grpcPort: 0, vtctldGrpcPort: 0, auth: { mysqlAuth: { string: MYSQL_USERS }, grpcAuth } });
    await cluster.addTablet({ keyspace: 'commerce', shard: '0', uid: 100 });
    const gate = await cluster.startVtgate();
    mysqlPort = gate.mysqlAddress!.port;
    grpcAddress = `127.0.0.1:${gate.grpcAddress!.port}`;
    vtctldAddress = `127.0.0.1:${cluster.vtctldAddress!.port}`;
  });
  afterAll(async () => {
    await cluster?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('lets mysql2 in with a clear-text password entry, a MysqlNativePassword hash entry and the "" user', async () => {
    expect(await mysqlLogin(mysqlPort, 'alice', 'wonderland')).toBe('ok [[1]]');
    expect(await mysqlLogin(mysqlPort, 'bob', 'builder')).toBe('ok [[1]]');
    expect(await mysqlLogin(mysqlPort, '', '')).toBe('ok [[1]]');
  });

  it('refuses a wrong password and an unknown user with 1045 (28000), Vitess\'s message', async () => {
    expect(await mysqlLogin(mysqlPort, 'alice', 'wrong')).toBe("1045 (28000): Access denied for user 'alice'");
    expect(await mysqlLogin(mysqlPort, 'bob', 'wonderland')).toBe("1045 (28000): Access denied for user 'bob'");
    expect(await mysqlLogin(mysqlPort, 'alice', '')).toBe("1045 (28000): Access denied for user 'alice'");
    expect(await mysqlLogin(mysqlPort, 'mallory', 'wonderland')).toBe("1045 (28000): Access denied for user 'mallory'");
    // The server keeps serving after refusals.
    expect(await mysqlLogin(mysqlPort, 'alice', 'wonderland')).toBe('ok [[1]]');
  });

  it('checks COM_CHANGE_USER too: the right password switches the user, a wrong one is refused', async () => {
    const conn = await mysql.createConnection({ host: '127.0.0.1', port: mysqlPort, user: 'alice', password: 'wonderland' });
    try {
      await conn.changeUser({ user: 'bob', password: 'builder' });
      expect((await conn.query({ sql: 'select 1 from dual', rowsAsArray: true }))[0]).toEqual([[1]]);
      await expect(conn.changeUser({ user: 'alice', password: 'nope' })).rejects.toMatchObject({ errno: 1045, sqlMessage: "Access denied for user 'alice'" });
    } finally {
      conn.destroy();
    }
  });

  describeMysqlCli('the real mysql client', () => {
    it('logs in with the right password and is refused with ERROR 1045 otherwise', async () => {
      expect(await runMysql(mysqlPort, ['-u', 'alice', '-pwonderland', '-N', '-e', 'select 1 from dual'])).toEqual({ code: 0, stdout: '1\n', stderr: '' });
      const wrong = await runMysql(mysqlPort, ['-u', 'alice', '-pnope', '-e', 'select 1 from dual']);
      expect(wrong.code).toBe(1);
      expect(wrong.stderr).toContain("ERROR 1045 (28000): Access denied for user 'alice'");
      const unknown = await runMysql(mysqlPort, ['-e', 'select 1 from dual']);
      expect(unknown.stderr).toContain("ERROR 1045 (28000): Access denied for user 'root'");
    });
  });

  const vtgateAs = (metadata?: Record<string, string>) => VtgateClient.connect(grpcAddress, { metadata });
  const vtctldAs = (metadata?: Record<string, string>) => dialVtctld(vtctldAddress, { metadata });

  it('serves vtgate gRPC calls with the right username/password metadata', async () => {
    const client = vtgateAs(CDC);
    try {
      const r = await client.execute(select1);
      expect(r.error).toBeNull();
      expect(r.result.rows).toHaveLength(1);
      expect(await drain(client.streamExecute(select1))).toBeGreaterThan(1);
    } finally {
      client.close();
    }
  });

  it('answers vtgate calls without credentials UNAUTHENTICATED and with wrong ones PERMISSION_DENIED', async () => {
    const clients = [vtgateAs(), vtgateAs({ username: 'cdc' }), vtgateAs({ username: 'cdc', password: 'nope' }), vtgateAs({ username: 'eve', password: 's3cret' })];
    const [none, userOnly, wrong, eve] = clients;
    try {
      expect(await outcome(() => none!.execute(select1))).toBe('UNAUTHENTICATED: username and password must be provided');
      expect(await outcome(() => userOnly!.execute(select1))).toBe('UNAUTHENTICATED: username and password must be provided');
      expect(await outcome(() => wrong!.execute(select1))).toBe('PERMISSION_DENIED: auth failure: caller "cdc" provided invalid credentials');
      expect(await outcome(() => wrong!.executeBatch({ queries: [select1.query] }))).toBe('PERMISSION_DENIED: auth failure: caller "cdc" provided invalid credentials');
      expect(await outcome(() => drain(none!.streamExecute(select1)))).toBe('UNAUTHENTICATED: username and password must be provided');
      expect(await outcome(() => drain(eve!.vstream({})))).toBe('PERMISSION_DENIED: auth failure: caller "eve" provided invalid credentials');
    } finally {
      for (const c of clients) c.close();
    }
  });

  it('guards vtctld the same way', async () => {
    const clients: VtctldClient[] = [vtctldAs(CDC), vtctldAs(), vtctldAs({ username: 'cdc', password: 'S3CRET' })];
    const [ok, none, wrong] = clients;
    try {
      const r = await ok!.call<{ keyspaces: Array<{ name: string }> }>('GetKeyspaces', {});
      expect(r.keyspaces.map((k) => k.name)).toEqual(['commerce']);
      expect(await outcome(() => none!.call('GetKeyspaces', {}))).toBe('UNAUTHENTICATED: username and password must be provided');
      expect(await outcome(() => wrong!.call('GetKeyspaces', {}))).toBe('PERMISSION_DENIED: auth failure: caller "cdc" provided invalid credentials');
    } finally {
      for (const c of clients) c.close();
    }
  });
});

describe('a cluster without auth flags (the default)', () => {
  it('accepts any MySQL user and password and gRPC calls without metadata', async () => {
    await using cluster = await Cluster.start({ seed: 'noauth', mysqlPort: 0, grpcPort: 0, vtctldGrpcPort: 0 });
    const gate = await cluster.startVtgate();
    expect(await mysqlLogin(gate.mysqlAddress!.port, 'anyone', 'anything')).toBe('ok [[1]]');
    expect(await mysqlLogin(gate.mysqlAddress!.port, 'root', '')).toBe('ok [[1]]');
    const vtgate = VtgateClient.connect(`127.0.0.1:${gate.grpcAddress!.port}`);
    const stranger = VtgateClient.connect(`127.0.0.1:${gate.grpcAddress!.port}`, { metadata: { username: 'x', password: 'y' } });
    const vtctld = dialVtctld(`127.0.0.1:${cluster.vtctldAddress!.port}`);
    try {
      expect(await outcome(() => vtgate.execute(select1))).toBe('OK');
      expect(await outcome(() => stranger.execute(select1))).toBe('OK');
      expect(await outcome(() => vtctld.call('GetKeyspaces', {}))).toBe('OK');
    } finally {
      vtgate.close();
      stranger.close();
      vtctld.close();
    }
  });

  it('refuses to start with invalid auth flags, as vtgate and servenv do', async () => {
    await expect(Cluster.start({ mysqlPort: 0, vtctldGrpcPort: 0, auth: { grpcAuth: { mode: 'static' } } })).rejects.toThrow(
      'Failed to load auth plugin: failed to load static auth plugin. Plugin configured but grpc_auth_static_password_file not provided',
    );
    await expect(Cluster.start({ vtctldGrpcPort: 0, auth: { grpcAuth: { mode: 'mtls' } } })).rejects.toThrow('no AuthPlugins name mtls registered');
    await using cluster = await Cluster.start({ mysqlPort: 0 });
    await expect(cluster.startVtgate({ mysqlAuth: { string: '{"a": 1}' } })).rejects.toThrow('Failed to populate entries from file: ');
    await expect(cluster.startVtgate({ mysqlAuth: { string: '{}', file: '/x' } })).rejects.toThrow('Both mysql_auth_server_static_file and mysql_auth_server_static_string specified, can only use one.');
  });
});

describe('the flags on the vtsim command line', () => {
  beforeAll(ensureCliBuilt, 180_000);

  it('reach a detached cluster process (vtgate and vtctld) and `vtsim vtgate up`', async () => {
    const root = mkdtempSync(join(tmpdir(), 'vtsim-auth-cli-'));
    writeFileSync(join(root, 'grpc.json'), GRPC_USERS);
    writeFileSync(join(root, 'mysql.json'), JSON.stringify({ carol: { Password: 'legacy-shape' } }));
    const [web, mysqlPort, grpcPort, vtctldPort] = [await freePort(), await freePort(), await freePort(), await freePort()];
    const env = vtsimEnv(root);
    const ports = ['--port', String(web), '--mysql-port', String(mysqlPort), '--grpc-port', String(grpcPort), '--vtctld-grpc-port', String(vtctldPort)];
    const vtsim = (...args: string[]) => runVtsim([...args, ...ports], { env, cwd: root });
    try {
      const up = await vtsim('up', '--detach', '--no-vtgate', '--grpc-auth-mode', 'static', '--grpc_auth_static_password_file', 'grpc.json');
      expect(up.stderr).toBe('');
      const gate = await vtsim('vtgate', 'up', '--mysql_auth_server_static_file=mysql.json');
      expect(gate).toMatchObject({ code: 0, stderr: '' });
      expect(await mysqlLogin(mysqlPort, 'carol', 'legacy-shape')).toBe('ok [[1]]');
      expect(await mysqlLogin(mysqlPort, 'carol', 'x')).toBe("1045 (28000): Access denied for user 'carol'");
      // vtsim's stand-in mysql client takes -u/-p and prints a refused login as the real one does.
      expect(await vtsim('mysql', '-u', 'carol', '-plegacy-shape', '-e', 'select 1 from dual')).toEqual({ code: 0, stdout: '1\n1\n', stderr: '' });
      expect(await vtsim('mysql', '-u', 'carol', '-pnope', '-e', 'select 1 from dual')).toEqual({ code: 1, stdout: '', stderr: "ERROR 1045 (28000): Access denied for user 'carol'\n" });
      const vtctld = dialVtctld(`127.0.0.1:${vtctldPort}`);
      const vtctldCdc = dialVtctld(`127.0.0.1:${vtctldPort}`, { metadata: CDC });
      const vtgate = VtgateClient.connect(`127.0.0.1:${grpcPort}`);
      try {
        expect(await outcome(() => vtctld.call('GetKeyspaces', {}))).toBe('UNAUTHENTICATED: username and password must be provided');
        expect(await outcome(() => vtctldCdc.call('GetKeyspaces', {}))).toBe('OK');
        expect(await outcome(() => vtgate.execute(select1))).toBe('UNAUTHENTICATED: username and password must be provided');
        // vtctldclient with Vitess's --grpc_auth_static_client_creds.
        writeFileSync(join(root, 'creds.json'), JSON.stringify({ Username: 'cdc', Password: 's3cret' }));
        const withCreds = await runVtsim(['vtctldclient', '--server', `127.0.0.1:${vtctldPort}`, '--grpc_auth_static_client_creds', 'creds.json', 'GetKeyspaces'], { env, cwd: root });
        expect(withCreds).toEqual({ code: 0, stdout: '[]\n', stderr: '' });
        const without = await runVtsim(['vtctldclient', '--server', `127.0.0.1:${vtctldPort}`, 'GetKeyspaces'], { env, cwd: root });
        expect(without.code).toBe(1);
        expect(without.stderr).toContain('rpc error: code = Unauthenticated desc = username and password must be provided');
        // vtsim vstream with the same flag gets past vtgate's auth to its answer for an unknown keyspace.
        const vstream = (...flags: string[]) => runVtsim(['vstream', '--server', `127.0.0.1:${grpcPort}`, ...flags, '--keyspace', 'nosuch', '--gtid', 'current'], { env, cwd: root });
        const withStreamCreds = await vstream('--grpc_auth_static_client_creds', 'creds.json');
        expect(withStreamCreds.code).toBe(1);
        expect(withStreamCreds.stderr).toMatch(/^ERROR: UNAVAILABLE: failed to resolve vstream parameters: .*keyspace nosuch/);
        expect(await vstream()).toEqual({ code: 1, stdout: '', stderr: 'ERROR: UNAUTHENTICATED: username and password must be provided\n' });
        // vtctld-up.sh's path: vtctld's gRPC service restarted without auth.
        expect(await vtsim('vtctld', 'up')).toMatchObject({ code: 0, stderr: '' });
        expect(await outcome(() => vtctld.call('GetKeyspaces', {}))).toBe('OK');
      } finally {
        vtctld.close();
        vtctldCdc.close();
        vtgate.close();
      }
    } finally {
      await vtsim('down');
      rmSync(root, { recursive: true, force: true });
    }
  }, 60_000);
});
