import { beforeEach, describe, expect, it } from 'vitest';
import { createMemoryConfigStore, createMemoryCredentialStore } from '@envmgr/adapter-memory';
import { DependencyUnavailableError, itemFacts, UnauthenticatedError, UniquenessError, type JsonObject } from '@envmgr/domain';
import type { ConfigStore, CredentialStore, Directory, DirectoryUser, TokenClaims } from '@envmgr/ports';
import { aFixedClock } from '@envmgr/test-support';
import type { IdentityDeps } from './identity-deps.js';
import { signIn } from './sign-in.js';

const DIRECTORY: Record<string, { password: string; user: DirectoryUser }> = {
  alice: { password: 'alice-ldap-pw', user: { dn: 'uid=alice,ou=people', displayName: 'Alice L', email: 'alice@example.test', groups: ['INFRA', 'staff'] } },
  bob: { password: 'bob-ldap-pw', user: { dn: 'uid=bob,ou=people', email: 'not an address', groups: [] } },
};

/** A directory over a table, counting the calls it gets; `failWith` makes it fail as an unreachable server would. */
function fakeDirectory() {
  const state = { calls: [] as string[], failWith: undefined as Error | undefined };
  const directory: Directory = {
    async authenticate(username, password) {
      state.calls.push(username);
      if (state.failWith) throw state.failWith;
      const entry = DIRECTORY[username.toLowerCase()];
      return entry && password !== '' && entry.password === password ? entry.user : undefined;
    },
  };
  return { directory, state };
}

async function seed(store: ConfigStore, type: 'users' | 'groups' | 'permissions', key: string, data: JsonObject) {
  await store.commit([{ op: 'create', type, key, data, ...itemFacts(type, data) }], { actor: 'seed', requestId: 'seed', at: '2026-01-01T00:00:00.000Z' });
}

const claimsOf = (token: string): TokenClaims => JSON.parse(token) as TokenClaims;

describe('sign-in through a directory', () => {
  let store: ConfigStore;
  let credentials: CredentialStore;
  let deps: IdentityDeps;
  let dir: ReturnType<typeof fakeDirectory>;
  const req = (username: string, password: string) => ({ username, password, address: '10.0.0.1', requestId: 'req-1' });

  beforeEach(async () => {
    store = createMemoryConfigStore();
    credentials = createMemoryCredentialStore();
    dir = fakeDirectory();
    deps = {
      store,
      credentials,
      clock: aFixedClock(),
      hasher: { sha256: (t) => `sha:${t}` },
      passwords: { hash: async (p) => `hash:${p}`, verify: async (h, p) => h === `hash:${p}` },
      signer: { sign: async (claims) => JSON.stringify(claims), verify: async (t) => ({ ok: true, claims: JSON.parse(t) as TokenClaims }) },
      random: { token: () => 'r' },
      throttle: new Map(),
      accessTokenTtlSeconds: 300,
      sessionTtlSeconds: 43200,
      directory: dir.directory,
    };
    await seed(store, 'groups', 'Infra', { GroupName: 'Infra', Value: { LdapGroups: ['infra'] } });
    await seed(store, 'groups', 'Staff', { GroupName: 'Staff', Value: { LdapGroups: ['other', 'Staff'] } });
    await seed(store, 'groups', 'Unrelated', { GroupName: 'Unrelated', Value: { LdapGroups: ['devs'] } });
    await seed(store, 'permissions', 'Infra', { Name: 'Infra', Permissions: [{ Resource: '/config/clusters', Access: 'POST' }] });
  });

  it('creates the user on the first sign-in as system:ldap, and maps directory groups to EM groups', async () => {
    const signed = await signIn(deps, req('alice', 'alice-ldap-pw'));
    const item = await store.get('users', 'alice');
    expect(item?.data).toEqual({ UserName: 'alice', Value: { Source: 'ldap', DisplayName: 'Alice L', Email: 'alice@example.test' } });
    const [audit] = await store.queryAudit({ entityType: 'users', key: 'alice', limit: 5 });
    expect(audit?.actor).toBe('system:ldap');
    expect(claimsOf(signed.token)).toEqual({ sub: 'alice', use: 'access', groups: ['Infra', 'Staff'] });
    expect(claimsOf(signed.session).groups).toEqual(['Infra', 'Staff']);
    expect(signed.actor.permissions).toEqual([{ Resource: '/config/clusters', Access: 'POST' }]);

    await signIn(deps, req('alice', 'alice-ldap-pw'));
    expect((await store.get('users', 'alice'))?.version).toBe(1);
  });

  it('keys directory users by the lower-cased name and accepts DOMAIN\\user', async () => {
    expect(claimsOf((await signIn(deps, req('CORP\\Alice', 'alice-ldap-pw'))).token).sub).toBe('alice');
    expect(claimsOf((await signIn(deps, req('ALICE', 'alice-ldap-pw'))).token).sub).toBe('alice');
  });

  it('leaves out an email address the user schema would refuse', async () => {
    await signIn(deps, req('bob', 'bob-ldap-pw'));
    expect((await store.get('users', 'bob'))?.data).toEqual({ UserName: 'bob', Value: { Source: 'ldap' } });
  });

  it('signs in an existing ldap user without creating it again, keeping its configured groups', async () => {
    await seed(store, 'users', 'alice', { UserName: 'alice', Value: { Source: 'ldap', Groups: ['Unrelated'] } });
    const signed = await signIn(deps, req('alice', 'alice-ldap-pw'));
    expect((await store.get('users', 'alice'))?.version).toBe(1);
    expect(claimsOf(signed.token).groups).toEqual(['Infra', 'Staff']);
  });

  it('never asks the directory about a local user', async () => {
    await seed(store, 'users', 'alice', { UserName: 'alice', Value: { Source: 'local' } });
    await credentials.setPasswordHash('alice', 'hash:local-pw');
    await expect(signIn(deps, req('alice', 'alice-ldap-pw'))).rejects.toBeInstanceOf(UnauthenticatedError);
    expect(claimsOf((await signIn(deps, req('alice', 'local-pw'))).token)).toEqual({ sub: 'alice', use: 'access', groups: [] });
    await seed(store, 'users', 'carol', { UserName: 'carol', Value: {} }); // Source defaults to local
    await expect(signIn(deps, req('carol', 'x'))).rejects.toBeInstanceOf(UnauthenticatedError);
    expect(dir.state.calls).toEqual([]);
  });

  it('refuses a directory sign-in onto a name a local user holds in another spelling', async () => {
    await seed(store, 'users', 'Alice', { UserName: 'Alice', Value: { Source: 'local' } });
    await expect(signIn(deps, req('alice', 'alice-ldap-pw'))).rejects.toBeInstanceOf(UniquenessError);
    expect(await store.get('users', 'alice')).toBeUndefined();
  });

  it('answers a wrong password and an unknown user alike, and counts them as failures', async () => {
    const wrong = await signIn(deps, req('alice', 'nope')).catch((e: unknown) => e);
    const unknown = await signIn(deps, req('mallory', 'nope')).catch((e: unknown) => e);
    expect(wrong).toEqual(unknown);
    expect((wrong as UnauthenticatedError).code).toBe('invalid-credentials');
    expect(deps.throttle.get('user:alice')).toBeDefined();
    expect(await store.get('users', 'mallory')).toBeUndefined();
  });

  it('never sends a name EM cannot store to the directory', async () => {
    await expect(signIn(deps, req('a*)(uid=*', 'x'))).rejects.toBeInstanceOf(UnauthenticatedError);
    expect(dir.state.calls).toEqual([]);
  });

  it('reports a failing directory as unavailable, logs why without the password, and counts no failure', async () => {
    dir.state.failWith = new DependencyUnavailableError('ldap://dc1 refused: echo alice-ldap-pw');
    const err = await signIn(deps, req('alice', 'alice-ldap-pw')).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DependencyUnavailableError);
    expect((err as Error).message).not.toContain('dc1');
    const [ev] = await credentials.listSecurityEvents({ limit: 1 });
    expect(ev).toMatchObject({ kind: 'login-failed', subject: 'alice' });
    expect(ev?.detail).toContain('ldap://dc1 refused');
    expect(ev?.detail).not.toContain('alice-ldap-pw');
    expect(deps.throttle.size).toBe(0);
  });
});
