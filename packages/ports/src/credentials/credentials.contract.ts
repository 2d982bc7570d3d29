import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ForbiddenError, ValidationError } from '@envmgr/domain';
import type { AccountCredentials } from './credentials.js';

export interface AccountCredentialsFixture {
  credentials: AccountCredentials;
  /** Accounts whose role can be assumed; at least two. */
  accounts: readonly string[];
  /** An account whose role cannot be assumed. */
  refusedAccount: string;
  /** Moves the adapter's clock forward. */
  advanceMs(ms: number): void;
  /** How long credentials live in this fixture, and the adapter's renewal margin. */
  lifetimeMs: number;
  marginMs: number;
  dispose(): Promise<void>;
}

/** The behaviour every `AccountCredentials` adapter shares. */
export function accountCredentialsContract(name: string, setup: () => Promise<AccountCredentialsFixture>): void {
  describe(`AccountCredentials contract: ${name}`, () => {
    let f: AccountCredentialsFixture;
    beforeEach(async () => {
      f = await setup();
    });
    afterEach(() => f.dispose());

    it('gives credentials for each account, acting in that account', async () => {
      for (const account of f.accounts) {
        const c = await f.credentials.get(account);
        expect(c.account).toBe(account);
        expect(c.roleArn).toContain(`:${account}:role/`);
        expect(c.accessKeyId).not.toBe('');
        expect(c.secretAccessKey).not.toBe('');
        expect(c.sessionToken).not.toBe('');
      }
    });

    it('reuses credentials until shortly before they expire, then renews them', async () => {
      const [account] = f.accounts;
      const first = await f.credentials.get(account!);
      f.advanceMs(f.lifetimeMs - f.marginMs - 1000);
      expect((await f.credentials.get(account!)).accessKeyId).toBe(first.accessKeyId);
      f.advanceMs(2000);
      expect((await f.credentials.get(account!)).accessKeyId).not.toBe(first.accessKeyId);
    });

    it('renews once when many ask at the same time', async () => {
      const [account] = f.accounts;
      const all = await Promise.all(Array.from({ length: 8 }, () => f.credentials.get(account!)));
      expect(new Set(all.map((c) => c.accessKeyId)).size).toBe(1);
    });

    it('keeps separate credentials per account', async () => {
      const [a, b] = f.accounts;
      const [ca, cb] = await Promise.all([f.credentials.get(a!), f.credentials.get(b!)]);
      expect(ca.accessKeyId).not.toBe(cb.accessKeyId);
    });

    it('forgets cached credentials on request', async () => {
      const [account] = f.accounts;
      const first = await f.credentials.get(account!);
      f.credentials.forget(account);
      expect((await f.credentials.get(account!)).accessKeyId).not.toBe(first.accessKeyId);
    });

    it('refuses an account number that is not 12 digits, naming it', async () => {
      await expect(f.credentials.get('12345')).rejects.toSatisfy((e: unknown) => e instanceof ValidationError && e.message.includes("'12345'"));
    });

    it('reports a role that cannot be assumed as forbidden, naming the account and the role', async () => {
      const err: unknown = await f.credentials.get(f.refusedAccount).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ForbiddenError);
      const forbidden = err as ForbiddenError;
      expect(forbidden.code).toBe('account-role-refused');
      expect(forbidden.message).toContain(f.refusedAccount);
      expect(forbidden.details).toMatchObject({ account: f.refusedAccount, roleArn: expect.stringContaining(f.refusedAccount) });
      // the other accounts still work
      expect((await f.credentials.get(f.accounts[0]!)).account).toBe(f.accounts[0]);
    });
  });
}
