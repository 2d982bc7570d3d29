import { chmodSync, closeSync, existsSync, openSync } from 'node:fs';
import Database from 'better-sqlite3';
import { AlreadyExistsError, type JsonObject } from '@envmgr/domain';
import type { ApiTokenRecord, CredentialStore, SecurityEvent, SecurityEventKind } from '@envmgr/ports';
import { guarded } from './sqlite-errors.js';

const SCHEMA = `
CREATE TABLE IF NOT EXISTS passwords (user TEXT PRIMARY KEY, hash TEXT NOT NULL) STRICT;
CREATE TABLE IF NOT EXISTS tokens (
  id TEXT PRIMARY KEY, owner TEXT NOT NULL, name TEXT NOT NULL, secret_hash TEXT NOT NULL, permissions TEXT,
  created_at TEXT NOT NULL, expires_at TEXT, revoked_at TEXT
) STRICT;
CREATE INDEX IF NOT EXISTS tokens_by_owner ON tokens (owner, created_at);
CREATE TABLE IF NOT EXISTS security_events (
  seq INTEGER PRIMARY KEY, at TEXT NOT NULL, kind TEXT NOT NULL, actor TEXT NOT NULL, subject TEXT, address TEXT,
  request_id TEXT NOT NULL, detail TEXT
) STRICT;
CREATE INDEX IF NOT EXISTS security_events_by_time ON security_events (at);
`;

interface TokenRow {
  id: string; owner: string; name: string; secret_hash: string; permissions: string | null;
  created_at: string; expires_at: string | null; revoked_at: string | null;
}
interface EventRow {
  seq: number; at: string; kind: string; actor: string; subject: string | null; address: string | null; request_id: string; detail: string | null;
}

const toToken = (r: TokenRow): ApiTokenRecord => ({
  id: r.id, owner: r.owner, name: r.name, secretHash: r.secret_hash,
  permissions: r.permissions === null ? null : (JSON.parse(r.permissions) as JsonObject[]),
  createdAt: r.created_at, expiresAt: r.expires_at, revokedAt: r.revoked_at,
});
const toEvent = (r: EventRow): SecurityEvent => ({
  seq: r.seq, at: r.at, kind: r.kind as SecurityEventKind, actor: r.actor, subject: r.subject, address: r.address, requestId: r.request_id, detail: r.detail,
});

/**
 * Password hashes, API tokens and security events in their own SQLite file, readable by its owner only (mode 0600),
 * so that a copy of the configuration database never carries secrets.
 */
export function createSqliteCredentialStore(opts: { path: string }): CredentialStore {
  if (!existsSync(opts.path)) closeSync(openSync(opts.path, 'a', 0o600));
  chmodSync(opts.path, 0o600);
  const db = new Database(opts.path);
  db.pragma('journal_mode = WAL');
  db.pragma('busy_timeout = 5000');
  db.exec(SCHEMA);
  const st = {
    getPassword: db.prepare<[string], { hash: string }>('SELECT hash FROM passwords WHERE user = ?'),
    setPassword: db.prepare('INSERT INTO passwords (user, hash) VALUES (?, ?) ON CONFLICT (user) DO UPDATE SET hash = excluded.hash'),
    deletePassword: db.prepare('DELETE FROM passwords WHERE user = ?'),
    insertToken: db.prepare('INSERT INTO tokens VALUES (@id, @owner, @name, @secret_hash, @permissions, @created_at, @expires_at, @revoked_at)'),
    getToken: db.prepare<[string], TokenRow>('SELECT * FROM tokens WHERE id = ?'),
    listTokens: db.prepare<[], TokenRow>('SELECT * FROM tokens ORDER BY created_at DESC, id DESC'),
    listTokensOf: db.prepare<[string], TokenRow>('SELECT * FROM tokens WHERE owner = ? ORDER BY created_at DESC, id DESC'),
    revoke: db.prepare('UPDATE tokens SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL'),
    appendEvent: db.prepare<[string, string, string, string | null, string | null, string, string | null], EventRow>(
      'INSERT INTO security_events (at, kind, actor, subject, address, request_id, detail) VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING *',
    ),
    listEvents: db.prepare<[string, number, number], EventRow>('SELECT * FROM security_events WHERE at >= ? AND seq < ? ORDER BY seq DESC LIMIT ?'),
  };
  return {
    getPasswordHash: async (user) => guarded(() => st.getPassword.get(user)?.hash),
    setPasswordHash: async (user, hash) => guarded(() => void st.setPassword.run(user, hash)),
    deletePasswordHash: async (user) => guarded(() => void st.deletePassword.run(user)),
    createToken: async (t) =>
      guarded(() => {
        if (st.getToken.get(t.id)) throw new AlreadyExistsError('API token', t.id);
        st.insertToken.run({
          id: t.id, owner: t.owner, name: t.name, secret_hash: t.secretHash, permissions: t.permissions === null ? null : JSON.stringify(t.permissions),
          created_at: t.createdAt, expires_at: t.expiresAt, revoked_at: t.revokedAt,
        });
      }),
    getToken: async (id) => guarded(() => {
      const row = st.getToken.get(id);
      return row ? toToken(row) : undefined;
    }),
    listTokens: async (q) => guarded(() => (q.owner === undefined ? st.listTokens.all() : st.listTokensOf.all(q.owner)).map(toToken)),
    revokeToken: async (id, at) => guarded(() => st.revoke.run(at, id).changes === 1),
    appendSecurityEvent: async (e) =>
      guarded(() => toEvent(st.appendEvent.get(e.at, e.kind, e.actor, e.subject, e.address, e.requestId, e.detail) as EventRow)),
    listSecurityEvents: async (q) =>
      guarded(() => st.listEvents.all(q.since ?? '', q.beforeSeq ?? Number.MAX_SAFE_INTEGER, q.limit).map(toEvent)),
    close: async () => void db.close(),
  };
}
