import { recordFailure, throttleWaitMs, TooManyAttemptsError, UnauthenticatedError, type Actor } from '@envmgr/domain';
import type { SecurityEventKind } from '@envmgr/ports';
import type { IdentityDeps } from './identity-deps.js';
import { isUserDisabled, userActor } from './actors.js';

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
  const ok = await checkPassword(deps, username, req.password);
  if (!ok) {
    for (const k of keys) deps.throttle.set(k, recordFailure(deps.throttle.get(k), now));
    trimThrottle(deps.throttle);
    await event(deps, req, 'login-failed', username);
    throw new UnauthenticatedError('invalid-credentials', INVALID);
  }
  if (await isUserDisabled(deps.store, username)) {
    await event(deps, req, 'login-failed', username, 'user disabled');
    throw new UnauthenticatedError('user-disabled', `user '${username}' is disabled; ask an administrator`);
  }
  for (const k of keys) deps.throttle.delete(k);
  await event(deps, req, 'login-succeeded', username);
  const actor = await userActor(deps.store, username);
  return {
    actor,
    token: await deps.signer.sign({ sub: username, use: 'access', groups: [] }, deps.accessTokenTtlSeconds),
    expiresInSeconds: deps.accessTokenTtlSeconds,
    session: await deps.signer.sign({ sub: username, use: 'session', groups: [] }, deps.sessionTtlSeconds),
  };
}

async function checkPassword(deps: IdentityDeps, username: string, password: string): Promise<boolean> {
  const exists = (await deps.store.get('users', username)) !== undefined;
  const stored = exists ? await deps.credentials.getPasswordHash(username) : undefined;
  dummyHash ??= deps.passwords.hash('envmgr-dummy-password');
  const matches = await deps.passwords.verify(stored ?? (await dummyHash), password);
  return exists && stored !== undefined && matches;
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
