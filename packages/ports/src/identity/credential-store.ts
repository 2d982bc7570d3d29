import type { JsonObject } from '@envmgr/domain';

/** An API token for pipelines. Only the hash of its secret is kept; the secret is shown once, at creation. */
export interface ApiTokenRecord {
  /** Public id, part of the token text (`emt_<id>_<secret>`). */
  id: string;
  /** The user the token acts for. */
  owner: string;
  /** What it is for, e.g. "deploy from CI". */
  name: string;
  /** SHA-256 hex of the secret. */
  secretHash: string;
  /** A subset of the owner's permissions the token is limited to; null for all of the owner's. */
  permissions: JsonObject[] | null;
  /** ISO 8601 UTC. */
  createdAt: string;
  expiresAt: string | null;
  revokedAt: string | null;
}

export type SecurityEventKind =
  | 'login-succeeded'
  | 'login-failed'
  | 'login-throttled'
  | 'logout'
  | 'token-created'
  | 'token-revoked'
  | 'token-rejected'
  | 'password-set'
  | 'admin-bootstrapped';

/** Something security-relevant that is not a configuration change: sign-ins, tokens, passwords. */
export interface SecurityEvent {
  /** Assigned by the store, from 1. */
  seq: number;
  at: string;
  kind: SecurityEventKind;
  /** Who acted (a user, `token:<id>`, `system:<job>` or `anonymous`). */
  actor: string;
  /** Whom it is about, e.g. the user name tried at a failed login. */
  subject: string | null;
  /** The client address, when known. */
  address: string | null;
  requestId: string;
  detail: string | null;
}

/**
 * Secrets of identity, kept apart from configuration so that they never reach the audit chain, exports or API
 * responses: password hashes, API tokens (hashed), and the security event log.
 */
export interface CredentialStore {
  /** Returns undefined when the user has no local password. */
  getPasswordHash(user: string): Promise<string | undefined>;
  /** Sets or replaces a user's password hash. */
  setPasswordHash(user: string, hash: string): Promise<void>;
  deletePasswordHash(user: string): Promise<void>;
  /** Stores a new token. Throws AlreadyExistsError on a duplicate id. */
  createToken(token: ApiTokenRecord): Promise<void>;
  /** Returns undefined when there is no such token (revoked ones are returned, with revokedAt set). */
  getToken(id: string): Promise<ApiTokenRecord | undefined>;
  /** Tokens, newest first, optionally of one owner. */
  listTokens(query: { owner?: string }): Promise<ApiTokenRecord[]>;
  /** Marks a token revoked; false when it does not exist or was revoked already. */
  revokeToken(id: string, at: string): Promise<boolean>;
  /** Appends an event and returns it with its seq. */
  appendSecurityEvent(event: Omit<SecurityEvent, 'seq'>): Promise<SecurityEvent>;
  /** Events newest first. */
  listSecurityEvents(query: { since?: string; beforeSeq?: number; limit: number }): Promise<SecurityEvent[]>;
  close(): Promise<void>;
}
