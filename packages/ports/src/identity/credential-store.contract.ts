import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AlreadyExistsError } from '@envmgr/domain';
import type { ApiTokenRecord, CredentialStore } from './credential-store.js';

export interface CredentialStoreFixture {
  store: CredentialStore;
  dispose(): Promise<void>;
}

const token = (id: string, over: Partial<ApiTokenRecord> = {}): ApiTokenRecord => ({
  id, owner: 'alice', name: 'ci', secretHash: 'a'.repeat(64), permissions: null,
  createdAt: `2026-01-01T00:00:0${id.length % 10}.000Z`, expiresAt: null, revokedAt: null, ...over,
});

/** The behaviour every CredentialStore adapter shares. */
export function credentialStoreContract(name: string, setup: () => Promise<CredentialStoreFixture>): void {
  describe(`CredentialStore contract: ${name}`, () => {
    let f: CredentialStoreFixture;
    beforeEach(async () => {
      f = await setup();
    });
    afterEach(() => f.dispose());

    it('keeps one password hash per user', async () => {
      expect(await f.store.getPasswordHash('alice')).toBeUndefined();
      await f.store.setPasswordHash('alice', 'h1');
      await f.store.setPasswordHash('alice', 'h2');
      expect(await f.store.getPasswordHash('alice')).toBe('h2');
      await f.store.deletePasswordHash('alice');
      expect(await f.store.getPasswordHash('alice')).toBeUndefined();
    });

    it('stores tokens, refuses duplicate ids, lists newest first and by owner', async () => {
      await f.store.createToken(token('t1', { createdAt: '2026-01-01T00:00:01.000Z', permissions: [{ Resource: '/x', Access: 'PUT' }] }));
      await f.store.createToken(token('t2', { createdAt: '2026-01-01T00:00:02.000Z', owner: 'bob' }));
      await expect(f.store.createToken(token('t1'))).rejects.toBeInstanceOf(AlreadyExistsError);
      expect(await f.store.getToken('t1')).toEqual(token('t1', { createdAt: '2026-01-01T00:00:01.000Z', permissions: [{ Resource: '/x', Access: 'PUT' }] }));
      expect((await f.store.listTokens({})).map((t) => t.id)).toEqual(['t2', 't1']);
      expect((await f.store.listTokens({ owner: 'bob' })).map((t) => t.id)).toEqual(['t2']);
      expect(await f.store.getToken('nope')).toBeUndefined();
    });

    it('revokes a token once', async () => {
      await f.store.createToken(token('t1'));
      expect(await f.store.revokeToken('t1', '2026-02-01T00:00:00.000Z')).toBe(true);
      expect(await f.store.revokeToken('t1', '2026-02-02T00:00:00.000Z')).toBe(false);
      expect(await f.store.revokeToken('nope', '2026-02-02T00:00:00.000Z')).toBe(false);
      expect((await f.store.getToken('t1'))?.revokedAt).toBe('2026-02-01T00:00:00.000Z');
    });

    it('appends security events with increasing seq and lists them newest first', async () => {
      const base = { actor: 'anonymous', subject: 'alice', address: '127.0.0.1', requestId: 'r', detail: null };
      const e1 = await f.store.appendSecurityEvent({ ...base, at: '2026-01-01T00:00:00.000Z', kind: 'login-failed' });
      const e2 = await f.store.appendSecurityEvent({ ...base, at: '2026-01-01T00:01:00.000Z', kind: 'login-succeeded' });
      expect([e1.seq, e2.seq]).toEqual([1, 2]);
      expect((await f.store.listSecurityEvents({ limit: 10 })).map((e) => e.kind)).toEqual(['login-succeeded', 'login-failed']);
      expect((await f.store.listSecurityEvents({ limit: 10, since: '2026-01-01T00:00:30.000Z' })).map((e) => e.seq)).toEqual([2]);
      expect((await f.store.listSecurityEvents({ limit: 10, beforeSeq: 2 })).map((e) => e.seq)).toEqual([1]);
    });
  });
}
