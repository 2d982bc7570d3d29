import { recordFailure, throttleWaitMs, TooManyAttemptsError, UnauthenticatedError, type Actor, type ConfigItem } from '@envmgr/domain';
import type { SecurityEventKind } from '@envmgr/ports';
import type { IdentityDeps } from './identity-deps.js';
import { isUserDisabled, userActor } from './actors.js';
import { adoptDirectoryUser, askDirectory, directoryUnavailable, usesDirectory, type VerifiedUser } from './directory-sign-in.js';

// Verified against when the user is unknown, so that both failures take the same time.
let dummyHash: Promise<string> | undefined;

export interface SignInRequest {
  username: string;
  password: string;
  address: string | undefined;
  requestId: string;
}

export interface SignedIn {
  actor: Actor;
  /** Short-lived bearer token. */
  token: string;
  expiresInSeconds: number;
  /** Long-lived token for the session cookie. */
  session: string;
}

const INVALID = 'the user name or password is wrong';

/**
 * Checks a user name and password. Unknown users and wrong passwords fail alike (401 `invalid-credentials`, same
 * work done). Failures are counted per user and per address; past a few, attempts are refused with growing delays
 * (429) without checking the password. Every outcome is a security event.
 *
 * With a directory configured, users it knows and EM does not (no user item, or `Source: ldap`) are checked by the
 * directory; their first sign-in creates their user item, and the EM groups their directory groups map onto (by
 * `Value.LdapGroups`) go into the tokens' `groups` claim. A directory failure is a 503 (DependencyUnavailableError),
 * not a failed attempt.
 */
export async function signIn(deps: IdentityDeps, req: SignInRequest): Promise<SignedIn> {
  const username = stripDomain(req.username);
  const now = deps.clock.now();
  const keys = [`user:${username.toLowerCase()}`, ...(req.address ? [`addr:${req.address}`] : [])];
  const wait = Math.max(...keys.map((k) => throttleWaitMs(deps.throttle.get(k), now)));
  if (wait > 0) {
    await event(deps, req, 'login-throttled', username);
    throw new TooManyAttemptsError(wait);
  }
  const verified = await checkCredentials(deps, username, req);
  if (!verified) {
    for (const k of keys) deps.throttle.set(k, recordFailure(deps.throttle.get(k), now));
    trimThrottle(deps.throttle);
    await event(deps, req, 'login-failed', username);
    throw new UnauthenticatedError('invalid-credentials', INVALID);
  }
  const { user, groups } = verified;
  if (await isUserDisabled(deps.store, user)) {
    await event(deps, req, 'login-failed', username, 'user disabled');
    throw new UnauthenticatedError('user-disabled', `user '${user}' is disabled; ask an administrator`);
  }
  for (const k of keys) deps.throttle.delete(k);
  await event(deps, req, 'login-succeeded', username, groups.length ? `groups from the directory: ${groups.join(', ')}` : null);
  const actor = await userActor(deps.store, user, groups);
  return {
    actor,
    token: await deps.signer.sign({ sub: user, use: 'access', groups }, deps.accessTokenTtlSeconds),
    expiresInSeconds: deps.accessTokenTtlSeconds,
    session: await deps.signer.sign({ sub: user, use: 'session', groups }, deps.sessionTtlSeconds),
  };
}

/** The user and their directory-mapped groups, or undefined for a wrong name or password. */
async function checkCredentials(deps: IdentityDeps, username: string, req: SignInRequest): Promise<VerifiedUser | undefined> {
  const item = await deps.store.get('users', username);
  if (!usesDirectory(deps, item)) return (await checkPassword(deps, username, req.password, item)) ? { user: username, groups: [] } : undefined;
  // the local check's work is done as well, so a directory user is never answered faster than a local one
  const [found] = await Promise.all([
    askDirectory(deps, username, req.password).catch(async (err: unknown) => {
      const reason = err instanceof Error ? err.message : String(err);
      await event(deps, req, 'login-failed', username, `directory unavailable: ${redact(reason, req.password)}`);
      throw directoryUnavailable(err);
    }),
    checkPassword(deps, username, req.password, undefined),
  ]);
  return found ? adoptDirectoryUser(deps, { username, item, found, requestId: req.requestId }) : undefined;
}

async function checkPassword(deps: IdentityDeps, username: string, password: string, item: ConfigItem | undefined): Promise<boolean> {
  const stored = item ? await deps.credentials.getPasswordHash(username) : undefined;
  dummyHash ??= deps.passwords.hash('envmgr-dummy-password');
  const matches = await deps.passwords.verify(stored ?? (await dummyHash), password);
  return item !== undefined && stored !== undefined && matches;
}

/** Belt and braces: adapters keep passwords out of their messages; this keeps them out of the security log too. */
function redact(text: string, secret: string): string {
  return secret === '' ? text : text.split(secret).join('***');
}

/** EM accepted `DOMAIN\user`; the directory and our users know the bare name. */
function stripDomain(username: string): string {
  const i = username.lastIndexOf('\\');
  return i >= 0 ? username.slice(i + 1) : username;
}

/** Forget the oldest entries so a flood of made-up names cannot grow memory without bound. */
function trimThrottle(map: Map<string, unknown>, max = 10_000): void {
  for (const k of map.keys()) {
    if (map.size <= max) return;
    map.delete(k);
  }
}

export async function event(
  deps: Pick<IdentityDeps, 'credentials' | 'clock'>,
  req: { address: string | undefined; requestId: string },
  kind: SecurityEventKind,
  subject: string | null,
  detail: string | null = null,
  actor = 'anonymous',
): Promise<void> {
  await deps.credentials.appendSecurityEvent({
    at: new Date(deps.clock.now()).toISOString(), kind, actor, subject, address: req.address ?? null, requestId: req.requestId, detail,
  });
}
