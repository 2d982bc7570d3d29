import { ANONYMOUS, UnauthenticatedError, type Actor } from '@envmgr/domain';
import type { IdentityDeps } from './identity-deps.js';
import { loadUser, toPermissions, userActor } from './actors.js';

export const API_TOKEN_PREFIX = 'emt_';

/**
 * The actor of a request from its credentials: an API token (`emt_<id>_<secret>`) or one of EM's JWTs, from
 * `Authorization: Bearer` or the session cookie. No credentials → anonymous. Bad ones → 401 with a reason code;
 * a credential never falls back to anonymous.
 */
export async function authenticate(deps: IdentityDeps, creds: { bearer?: string | undefined; session?: string | undefined }): Promise<Actor> {
  const text = creds.bearer ?? creds.session;
  if (!text) return ANONYMOUS;
  if (text.startsWith(API_TOKEN_PREFIX)) return apiTokenActor(deps, text);
  const verified = await deps.signer.verify(text);
  if (!verified.ok) {
    throw verified.reason === 'expired'
      ? new UnauthenticatedError('token-expired', 'your sign-in has expired; sign in again (envmgr login)')
      : new UnauthenticatedError('token-invalid', 'the token is not one this server issued, or it was altered');
  }
  const user = verified.claims.sub;
  const facts = await loadUser(deps.store, user);
  if (!facts) throw new UnauthenticatedError('token-invalid', `user '${user}' no longer exists`);
  if (facts.disabled) throw new UnauthenticatedError('user-disabled', `user '${user}' is disabled; ask an administrator`);
  return userActor(deps.store, user, verified.claims.groups, facts);
}

async function apiTokenActor(deps: IdentityDeps, text: string): Promise<Actor> {
  // the id never holds '_' (see createApiToken); the secret is base64url and may
  const rest = text.slice(API_TOKEN_PREFIX.length);
  const cut = rest.indexOf('_');
  const id = cut > 0 ? rest.slice(0, cut) : undefined;
  const secret = cut > 0 ? rest.slice(cut + 1) : undefined;
  const record = id ? await deps.credentials.getToken(id) : undefined;
  const invalid = new UnauthenticatedError('token-invalid', 'the API token is not valid; create a new one (envmgr token create)');
  if (!record || !secret) throw invalid;
  if (!constantTimeEqual(record.secretHash, deps.hasher.sha256(secret))) throw invalid;
  if (record.revokedAt) throw new UnauthenticatedError('token-revoked', `API token '${record.id}' was revoked`);
  if (record.expiresAt && record.expiresAt <= new Date(deps.clock.now()).toISOString()) {
    throw new UnauthenticatedError('token-expired', `API token '${record.id}' expired at ${record.expiresAt}`);
  }
  const facts = await loadUser(deps.store, record.owner);
  if (!facts || facts.disabled) throw new UnauthenticatedError('user-disabled', `the owner of API token '${record.id}' is disabled or gone`);
  const owner = await userActor(deps.store, record.owner, [], facts);
  return {
    ...owner,
    name: `${record.owner}/token:${record.id}`,
    kind: 'token',
    ...(record.permissions ? { tokenPermissions: toPermissions(record.permissions) } : {}),
  };
}

/** Compares two hex digests without an early exit, so timing tells nothing about how much matched. */
function constantTimeEqual(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a.charCodeAt(i) ^ b.charCodeAt(i);
  return diff === 0;
}
