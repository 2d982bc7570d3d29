import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serve } from '@hono/node-server';
import { hasSlapd, SLAPD_GROUPS, SLAPD_PEOPLE, slapdGroupDn, slapdUserDn, startSlapd, type Slapd } from '@envmgr/adapter-directory-ldap/testing';
import type { HttpLogger } from '@envmgr/http';
import { loadConfig } from './config.js';
import { bootstrap, composeServer, type Server } from './compose.js';
import { TEST_ADMIN_PASSWORD } from './testing.js';

const PASSWORDS = { alice: 'alice-ldap-Qw93', bob: 'bob-ldap-Er28', carol: 'carol-ldap-Ty47' };
const quiet: HttpLogger = { info: () => undefined, warn: () => undefined, error: () => undefined };

describe.skipIf(!hasSlapd())('LDAP sign-in end to end (skipped: the slapd binary is not installed; apt-get install slapd ldap-utils)', () => {
  let slapd: Slapd;
  let server: Server;
  let http: ReturnType<typeof serve>;
  let url: string;
  let dataDir: string;
  const bodies: string[] = [];

  /** A JSON request; every response body is kept to check that no password ever comes back. */
  async function call(method: string, path: string, o: { body?: unknown; token?: string } = {}): Promise<{ status: number; body: Record<string, unknown> }> {
    const headers: Record<string, string> = { 'content-type': 'application/json', ...(o.token ? { authorization: `Bearer ${o.token}` } : {}) };
    const r = await fetch(`${url}${path}`, { method, headers, ...(o.body === undefined ? {} : { body: JSON.stringify(o.body) }) });
    const text = await r.text();
    bodies.push(text);
    return { status: r.status, body: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
  }
  const login = (username: string, password: string) => call('POST', '/api/v1/login', { body: { username, password } });
  async function tokenOf(username: string, password: string): Promise<string> {
    const r = await login(username, password);
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    return r.body['token'] as string;
  }
  const createCluster = (token: string, name: string) =>
    call('POST', '/api/v1/config/clusters', { token, body: { ClusterName: name, Value: { ShortName: name.slice(0, 2).toUpperCase(), KeyPair: 'kp' } } });

  beforeAll(async () => {
    slapd = await startSlapd({
      users: [
        { uid: 'alice', password: PASSWORDS.alice, displayName: 'Alice Liddell', mail: 'alice@example.test' },
        { uid: 'bob', password: PASSWORDS.bob },
        { uid: 'carol', password: PASSWORDS.carol },
      ],
      groups: [
        { cn: 'infra', members: [slapdUserDn('alice'), slapdGroupDn('sre')] },
        { cn: 'devs', members: [slapdUserDn('bob')] },
        // carol is in infra only through sre
        { cn: 'sre', members: [slapdUserDn('carol')] },
      ],
    });
    dataDir = await mkdtemp(join(tmpdir(), 'envmgr-ldap-it-'));
    const loaded = loadConfig({
      ENVMGR_PORT: '0',
      ENVMGR_DATA_DIR: dataDir,
      ENVMGR_ADMIN_PASSWORD: TEST_ADMIN_PASSWORD,
      ENVMGR_LDAP_URL: slapd.url,
      ENVMGR_LDAP_USER_DN: `uid={user},${SLAPD_PEOPLE}`,
      ENVMGR_LDAP_GROUP_BASE: SLAPD_GROUPS,
    });
    if (!loaded.ok) throw new TypeError(loaded.problems.join('; '));
    server = composeServer(loaded.config, quiet);
    await bootstrap(server, loaded.config);
    http = serve({ fetch: server.app.fetch, hostname: '127.0.0.1', port: 0 });
    await new Promise<void>((resolve) => http.once('listening', () => resolve()));
    url = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;

    const admin = await tokenOf('admin', TEST_ADMIN_PASSWORD);
    expect((await call('POST', '/api/v1/config/permissions', { token: admin, body: { Name: 'Infra', Permissions: [{ Resource: '/config/clusters', Access: 'POST' }] } })).status).toBe(201);
    expect((await call('POST', '/api/v1/config/groups', { token: admin, body: { GroupName: 'Infra', Value: { LdapGroups: ['INFRA'] } } })).status).toBe(201);
  });

  afterAll(async () => {
    if (http) await new Promise<void>((resolve) => http.close(() => resolve()));
    await server?.close();
    await slapd?.stop();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  it('signs alice in through LDAP, creates her user as system:ldap, and her LDAP group lets her create a cluster', async () => {
    const token = await tokenOf('alice', PASSWORDS.alice);
    const admin = await tokenOf('admin', TEST_ADMIN_PASSWORD);
    const user = await call('GET', '/api/v1/config/users/alice', { token: admin });
    expect(user.status).toBe(200);
    expect(user.body).toMatchObject({ UserName: 'alice', Value: { Source: 'ldap', DisplayName: 'Alice Liddell', Email: 'alice@example.test' } });
    const history = await call('GET', '/api/v1/config/users/alice/history', { token: admin });
    expect((history.body as unknown as { actor: string }[])[0]?.actor).toBe('system:ldap');

    expect((await createCluster(token, 'Alpha')).status).toBe(201);
    // a second sign-in finds the user; nothing is created again
    await tokenOf('alice', PASSWORDS.alice);
    expect((await call('GET', '/api/v1/config/users/alice', { token: admin })).body['Version']).toBe(1);
  });

  it('maps groups of groups: carol is in infra through sre', async () => {
    expect((await createCluster(await tokenOf('carol', PASSWORDS.carol), 'Gamma')).status).toBe(201);
  });

  it('gives bob, whose LDAP group maps to no EM group, a 403 naming the missing permission', async () => {
    const r = await createCluster(await tokenOf('bob', PASSWORDS.bob), 'Beta');
    expect(r.status).toBe(403);
    expect(JSON.stringify(r.body)).toContain('/config/clusters');
  });

  it('answers a wrong LDAP password and an unknown user alike', async () => {
    const wrong = await login('alice', PASSWORDS.bob);
    const unknown = await login('mallory', PASSWORDS.alice);
    expect([wrong.status, unknown.status]).toEqual([401, 401]);
    expect(wrong.body['code']).toBe('invalid-credentials');
    expect(wrong.body['detail']).toBe(unknown.body['detail']);
    expect((await login('alice', '')).status).not.toBe(200);
  });

  it('keeps the local admin local', async () => {
    const r = await login('admin', TEST_ADMIN_PASSWORD);
    expect(r.status).toBe(200);
    expect(r.body['user']).toBe('admin');
  });

  it('never returns a password in any response', () => {
    const all = bodies.join('\n');
    for (const pw of [...Object.values(PASSWORDS), TEST_ADMIN_PASSWORD, slapd.adminPassword]) expect(all).not.toContain(pw);
  });

  // last: stops the directory
  it('answers 503 when the directory is down, without naming it or echoing the password', async () => {
    await slapd.stop();
    const r = await login('alice', PASSWORDS.alice);
    expect(r.status).toBe(503);
    expect(r.body['code']).toBe('dependency-unavailable');
    expect(JSON.stringify(r.body)).not.toContain(PASSWORDS.alice);
    expect(JSON.stringify(r.body)).not.toContain(slapd.url);
  });
});

describe('LDAP settings', () => {
  const base = { ENVMGR_DATA_DIR: '/tmp/x' };
  const problems = (env: Record<string, string>) => {
    const r = loadConfig({ ...base, ...env });
    return r.ok ? [] : r.problems;
  };

  it('are off unless ENVMGR_LDAP_URL is set, and complete when it is', () => {
    const off = loadConfig(base);
    expect(off.ok && off.config.ldapUrl).toBe(undefined);
    const on = loadConfig({ ...base, ENVMGR_LDAP_URL: 'ldaps://dc.example.com', ENVMGR_LDAP_USER_DN: '{user}@example.com', ENVMGR_LDAP_GROUP_BASE: 'ou=groups,dc=example,dc=com' });
    expect(on.ok && on.config).toMatchObject({ ldapUrl: 'ldaps://dc.example.com', ldapUserDn: '{user}@example.com', ldapGroupFilter: undefined });
  });

  it('report every problem, named by variable', () => {
    expect(problems({ ENVMGR_LDAP_URL: 'ldap://dc' })).toEqual([
      'ENVMGR_LDAP_USER_DN: is required when ENVMGR_LDAP_URL is set',
      'ENVMGR_LDAP_GROUP_BASE: is required when ENVMGR_LDAP_URL is set',
    ]);
    expect(problems({ ENVMGR_LDAP_USER_DN: 'uid={user},dc=x', ENVMGR_LDAP_GROUP_BASE: 'dc=x' })).toEqual([
      'ENVMGR_LDAP_USER_DN: has no effect without ENVMGR_LDAP_URL; set it too',
      'ENVMGR_LDAP_GROUP_BASE: has no effect without ENVMGR_LDAP_URL; set it too',
    ]);
    const bad = problems({ ENVMGR_LDAP_URL: 'http://dc', ENVMGR_LDAP_USER_DN: 'uid=alice,dc=x', ENVMGR_LDAP_GROUP_BASE: 'dc=x', ENVMGR_LDAP_GROUP_FILTER: 'member=x' });
    expect(bad.map((p) => p.split(':')[0])).toEqual(['ENVMGR_LDAP_URL', 'ENVMGR_LDAP_USER_DN', 'ENVMGR_LDAP_GROUP_FILTER']);
  });
});
