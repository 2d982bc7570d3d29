import { AlreadyExistsError } from '@envmgr/domain';
import type { ApiTokenRecord, CredentialStore, SecurityEvent } from '@envmgr/ports';

/** A CredentialStore in process memory, for tests. */
export function createMemoryCredentialStore(): CredentialStore {
  const passwords = new Map<string, string>();
  const tokens = new Map<string, ApiTokenRecord>();
  const events: SecurityEvent[] = [];
  const clone = <T>(v: T): T => structuredClone(v);
  return {
    async getPasswordHash(user) {
      return passwords.get(user);
    },
    async setPasswordHash(user, hash) {
      passwords.set(user, hash);
    },
    async deletePasswordHash(user) {
      passwords.delete(user);
    },
    async createToken(token) {
      if (tokens.has(token.id)) throw new AlreadyExistsError('API token', token.id);
      tokens.set(token.id, clone(token));
    },
    async getToken(id) {
      const t = tokens.get(id);
      return t ? clone(t) : undefined;
    },
    async listTokens(q) {
      return [...tokens.values()]
        .filter((t) => q.owner === undefined || t.owner === q.owner)
        .sort((a, b) => (a.createdAt < b.createdAt ? 1 : a.createdAt > b.createdAt ? -1 : 0))
        .map(clone);
    },
    async revokeToken(id, at) {
      const t = tokens.get(id);
      if (!t || t.revokedAt) return false;
      t.revokedAt = at;
      return true;
    },
    async appendSecurityEvent(e) {
      const event = { ...e, seq: events.length + 1 };
      events.push(event);
      return clone(event);
    },
    async listSecurityEvents(q) {
      return events
        .filter((e) => (q.since === undefined || e.at >= q.since) && (q.beforeSeq === undefined || e.seq < q.beforeSeq))
        .reverse()
        .slice(0, q.limit)
        .map(clone);
    },
    async close() {},
  };
}
