import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client } from 'ldapts';
import { DependencyUnavailableError } from '@envmgr/domain';
import type { Directory } from '@envmgr/ports';
import { createLdapDirectory, type LdapDirectoryOptions } from './ldap-directory.js';
import { hasSlapd, SLAPD_GROUPS, SLAPD_PEOPLE, slapdGroupDn, slapdUserDn, startSlapd, type Slapd } from './testing/slapd.js';

const ALICE = 'alice-pw-Zq81';
const BOB = 'bob-pw-Lm27';
const CAROL = 'carol-pw-Tx55';
// a user name made of the characters that are syntax in DNs and filters
const WEIRD = 'we*ird)(,name';
const WEIRD_PW = 'weird-pw-Hy63';

describe.skipIf(!hasSlapd())('LDAP directory against a real slapd (skipped: the slapd binary is not installed; apt-get install slapd ldap-utils)', () => {
  let slapd: Slapd;
  const template = (over: Partial<LdapDirectoryOptions> = {}): Directory =>
    createLdapDirectory({ url: slapd.url, userDnTemplate: `uid={user},${SLAPD_PEOPLE}`, groupBase: SLAPD_GROUPS, timeoutMs: 5_000, ...over });
  const search = (bindPassword = slapd.adminPassword): Directory =>
    createLdapDirectory({ url: slapd.url, searchBase: SLAPD_PEOPLE, bindDn: slapd.adminDn, bindPassword, groupBase: SLAPD_GROUPS, timeoutMs: 5_000 });

  beforeAll(async () => {
    slapd = await startSlapd({
      users: [
        { uid: 'alice', password: ALICE, displayName: 'Alice Liddell', mail: 'alice@example.test' },
        { uid: 'bob', password: BOB },
        { uid: 'carol', password: CAROL },
        { uid: WEIRD, password: WEIRD_PW },
      ],
      groups: [
        { cn: 'infra', members: [slapdUserDn('alice')] },
        { cn: 'devs', members: [slapdUserDn('bob')] },
        // nested: devs ⊂ platform ⊂ engineering ⊂ company
        { cn: 'platform', members: [slapdGroupDn('devs')] },
        { cn: 'engineering', members: [slapdGroupDn('platform')] },
        { cn: 'company', members: [slapdGroupDn('engineering')] },
        // a membership cycle
        { cn: 'loop-a', members: [slapdUserDn('carol'), slapdGroupDn('loop-b')] },
        { cn: 'loop-b', members: [slapdGroupDn('loop-a')] },
        { cn: 'ops, (core)*', members: [slapdUserDn(WEIRD)] },
      ],
    });
  });
  afterAll(async () => {
    await slapd?.stop();
  });

  it('accepts the right password and returns the entry and its groups', async () => {
    expect(await template().authenticate('alice', ALICE)).toEqual({
      dn: slapdUserDn('alice'), displayName: 'Alice Liddell', email: 'alice@example.test', groups: ['infra'],
    });
  });

  it('refuses a wrong password and an unknown user alike', async () => {
    expect(await template().authenticate('alice', BOB)).toBeUndefined();
    expect(await template().authenticate('mallory', ALICE)).toBeUndefined();
  });

  it('refuses an empty password without binding, which the server would take as an anonymous bind', async () => {
    // what the guard is for: the server answers an empty-password bind with success
    const raw = new Client({ url: slapd.url });
    await expect(raw.bind(slapdUserDn('alice'), '')).resolves.toBeUndefined();
    await raw.unbind();
    expect(await template().authenticate('alice', '')).toBeUndefined();
    expect(await search().authenticate('alice', '')).toBeUndefined();
    expect(await template().authenticate('', ALICE)).toBeUndefined();
  });

  it('follows nested groups to the configured depth', async () => {
    const groups = async (depth?: number) => (await template(depth === undefined ? {} : { nestedGroupDepth: depth }).authenticate('bob', BOB))?.groups.sort();
    expect(await groups()).toEqual(['company', 'devs', 'engineering', 'platform']);
    expect(await groups(0)).toEqual(['devs']);
    expect(await groups(1)).toEqual(['devs', 'platform']);
  });

  it('ends at membership cycles', async () => {
    expect((await template().authenticate('carol', CAROL))?.groups.sort()).toEqual(['loop-a', 'loop-b']);
  });

  it('escapes the user name in the DN and in filters, so special characters are only data', async () => {
    for (const dir of [template(), search()]) {
      const weird = await dir.authenticate(WEIRD, WEIRD_PW);
      // the template gives the DN as we escaped it; a search gives the server's spelling (`\2c` for `\,`)
      expect(weird?.dn).toMatch(/^uid=we\*ird\)\(\\(,|2c)name,ou=people,dc=example,dc=test$/i);
      expect(weird?.groups).toEqual(['ops, (core)*']);
      // wildcards and filter or DN fragments never reach alice's entry, even with her password
      for (const name of ['*', 'a*', '*)(uid=alice', 'alice)(uid=*', 'alice,ou=people', `alice,${SLAPD_PEOPLE}`, 'alice\\', 'al\0ice']) {
        expect(await dir.authenticate(name, ALICE), name).toBeUndefined();
      }
    }
  });

  it('finds the user by search as a service account (search-then-bind)', async () => {
    const found = await search().authenticate('alice', ALICE);
    expect(found).toMatchObject({ dn: slapdUserDn('alice'), groups: ['infra'] });
    expect(await search().authenticate('alice', BOB)).toBeUndefined();
    expect(await search().authenticate('mallory', ALICE)).toBeUndefined();
  });

  it('reports a service account the directory refuses as unavailable, without its password', async () => {
    const err = await search('not-the-service-pw').authenticate('alice', ALICE).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DependencyUnavailableError);
    expect(JSON.stringify({ m: (err as Error).message, d: (err as DependencyUnavailableError).details })).not.toMatch(/not-the-service-pw|alice-pw/);
  });

  it('reports an unreachable directory as unavailable, with the cause and without the password', async () => {
    const dead = createLdapDirectory({ url: 'ldap://127.0.0.1:1/', userDnTemplate: `uid={user},${SLAPD_PEOPLE}`, groupBase: SLAPD_GROUPS, timeoutMs: 2_000 });
    const err = await dead.authenticate('alice', ALICE).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DependencyUnavailableError);
    expect((err as Error).cause).toBeDefined();
    expect((err as Error).message).not.toContain(ALICE);
  });

  it('refuses options that cannot work', () => {
    expect(() => template({ userDnTemplate: `uid=alice,${SLAPD_PEOPLE}` })).toThrow(/\{user\}/);
    expect(() => template({ groupFilter: '(member={dn}' })).toThrow(/not a valid LDAP search filter/);
  });
});
