import { z } from 'zod';
import { parseReply, type Send } from './transport.js';

/** A permission entry as the server stores it (`{Resource, Access, Clusters?, EnvironmentTypes?}` or a grant). */
export type PermissionEntry = Record<string, unknown>;

const PermissionsSchema = z.array(z.record(z.string(), z.unknown()));

const SignedInSchema = z.looseObject({ token: z.string().min(1), expiresInSeconds: z.number().int(), user: z.string() });
/** The answer to a sign-in: a short-lived bearer token for `Authorization: Bearer`. */
export type SignedIn = z.output<typeof SignedInSchema>;

const WhoAmISchema = z.looseObject({
  name: z.string(),
  kind: z.enum(['user', 'token', 'system', 'anonymous']),
  user: z.string().optional(),
  isAdmin: z.boolean(),
  permissions: PermissionsSchema,
  tokenPermissions: PermissionsSchema.optional(),
});
/** The signed-in actor: `name` is what the audit records (`alice`, `alice/token:<id>`), with its permissions. */
export type WhoAmI = z.output<typeof WhoAmISchema>;

const ApiTokenSchema = z.looseObject({
  id: z.string(),
  owner: z.string(),
  name: z.string(),
  permissions: PermissionsSchema.nullable(),
  createdAt: z.string(),
  expiresAt: z.string().nullable(),
  revokedAt: z.string().nullable(),
});
/** An API token as listed: never its secret. `permissions` null means all of the owner's. */
export type ApiTokenInfo = z.output<typeof ApiTokenSchema>;

const CreatedApiTokenSchema = ApiTokenSchema.extend({ token: z.string().min(1) });
/** A new API token with its secret (`emt_<id>_<secret>`), which the server shows only this once. */
export type CreatedApiToken = z.output<typeof CreatedApiTokenSchema>;

export interface NewApiToken {
  /** What the token is for, e.g. `deploy from CI`. */
  name: string;
  /** 1 to 366. @default 90 (server-side) */
  expiresInDays?: number | undefined;
  /** Limits the token to these entries (within the owner's permissions). @default all of the owner's */
  permissions?: readonly PermissionEntry[] | undefined;
}

/** Sign-in, the signed-in actor, API tokens and passwords. */
export interface IdentityApi {
  /** Signs in with a password (the server also sets a session cookie, which this client ignores). Throws ApiError `invalid-credentials` (401), `too-many-attempts` (429, see `retryAfterSeconds`). */
  login(username: string, password: string): Promise<SignedIn>;
  /** Like {@link login}, without the cookie: for pipelines. */
  token(username: string, password: string): Promise<SignedIn>;
  /** Clears the server's session cookie; bearer tokens stay valid until they expire (revoke API tokens instead). */
  logout(): Promise<void>;
  /** Who the server takes this client for. Throws ApiError `login-required`, `token-expired`, `token-invalid`, `token-revoked`, `user-disabled` (401). */
  whoami(): Promise<WhoAmI>;
  /** Creates an API token for the signed-in user; only a password sign-in may (403 `token-cannot-mint` with an API token). */
  createToken(request: NewApiToken): Promise<CreatedApiToken>;
  /** The caller's API tokens, newest first; administrators may name another `owner`. */
  listTokens(owner?: string): Promise<ApiTokenInfo[]>;
  /** Revokes an API token by id (the part between `emt_` and the next `_`). Throws ApiError `not-found` (404). */
  revokeToken(id: string): Promise<void>;
  /** The policy simulator (administrators): would these entries, this user or this group be allowed the request. */
  evaluatePermissions(request: PermissionCheck): Promise<PermissionVerdict>;
  /** Sets a local user's password (at least 12 characters): the user themself or an administrator. */
  setPassword(user: string, password: string): Promise<void>;
}

export function createIdentityApi(send: Send): IdentityApi {
  const signIn = async (path: 'login' | 'token', username: string, password: string) =>
    parseReply(await send({ method: 'POST', path, body: { username, password } }), SignedInSchema);
  return {
    login: (username, password) => signIn('login', username, password),
    token: (username, password) => signIn('token', username, password),
    async logout() {
      await send({ method: 'POST', path: 'logout' });
    },
    async whoami() {
      return parseReply(await send({ method: 'GET', path: 'whoami' }), WhoAmISchema);
    },
    async createToken({ name, expiresInDays, permissions }) {
      const body = { name, ...(expiresInDays !== undefined ? { expiresInDays } : {}), ...(permissions !== undefined ? { permissions } : {}) };
      return parseReply(await send({ method: 'POST', path: 'tokens', body }), CreatedApiTokenSchema);
    },
    async listTokens(owner) {
      return parseReply(await send({ method: 'GET', path: 'tokens', query: { owner } }), z.array(ApiTokenSchema));
    },
    async revokeToken(id) {
      await send({ method: 'DELETE', path: `tokens/${encodeURIComponent(id)}` });
    },
    async setPassword(user, password) {
      await send({ method: 'PUT', path: `users/${encodeURIComponent(user)}/password`, body: { password } });
    },
    async evaluatePermissions(request) {
      return parseReply(await send({ method: 'POST', path: 'permissions/evaluate', body: request }), PermissionVerdictSchema);
    },
  };
}

export interface PermissionCheck {
  permissions?: Record<string, unknown>[];
  user?: string;
  group?: string;
  request: { method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE'; resource: string; clusters?: string[]; environmentTypes?: string[] };
}

const EntrySchema = z.looseObject({ index: z.number().int(), permission: z.record(z.string(), z.unknown()) });
export const PermissionVerdictSchema = z.looseObject({
  allowed: z.boolean(),
  reason: z.string().optional(),
  code: z.string().optional(),
  deciding: z.array(EntrySchema.extend({ role: z.string() })).optional(),
  nearMisses: z.array(EntrySchema.extend({ mismatch: z.string(), detail: z.string().optional() })).optional(),
  evaluated: z.array(z.record(z.string(), z.unknown())),
});
export type PermissionVerdict = z.infer<typeof PermissionVerdictSchema>;
