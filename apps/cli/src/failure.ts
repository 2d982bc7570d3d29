import { ApiError, CLIENT_ERROR_CODES, type ConfigType } from '@envmgr/api-contract';
import type { AuthInfo } from './auth-info.js';

/** The CLI's exit codes; scripts rely on them. */
export const EXIT = {
  ok: 0,
  /** The server refused the request (4xx), or a check such as `audit verify` failed. */
  refused: 1,
  /** Bad flags, arguments or input files: nothing was sent. */
  usage: 2,
  unreachable: 3,
  /** The server failed (5xx) or answered outside the contract. */
  serverError: 4,
  /** Ctrl-C stopped a command that was waiting (e.g. `deploy --wait`); what it waited for goes on. */
  interrupted: 130,
} as const;

/** The command has already printed what happened; exit with `exitCode` and print nothing more. */
export class ExitWithCode extends Error {
  constructor(readonly exitCode: number) {
    super(`exit ${exitCode}`);
    this.name = 'ExitWithCode';
  }
}

/** The command line or an input file is wrong; exit 2. */
export class UsageError extends Error {
  constructor(
    message: string,
    readonly hint?: string,
  ) {
    super(message);
    this.name = 'UsageError';
  }
}

/** The request succeeded but what it checked did not (e.g. a broken audit chain); exit 1. */
export class CheckFailedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CheckFailedError';
  }
}

/** The item a command worked on, so hints can name the exact command to run next. */
export interface Target {
  type: ConfigType;
  key?: string | undefined;
}

/** An ApiError raised while working on a known item. */
export class ItemFailure extends Error {
  constructor(
    readonly error: ApiError,
    readonly target: Target,
  ) {
    super(error.message, { cause: error });
    this.name = 'ItemFailure';
  }
}

/** Runs `fn`, attaching `target` to any ApiError so the error report can give a precise hint. */
export async function onItem<T>(target: Target, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    throw err instanceof ApiError ? new ItemFailure(err, target) : err;
  }
}

/**
 * Prints `err` as `error: ...` lines with hints, and returns the exit code. `auth` says which credentials the
 * failed request carried, so a 401 hint names the one to fix.
 */
export function reportError(err: unknown, write: (line: string) => void, auth?: AuthInfo): number {
  if (err instanceof ExitWithCode) return err.exitCode;
  if (err instanceof UsageError || err instanceof CheckFailedError) {
    write(`error: ${err.message}`);
    if (err instanceof UsageError && err.hint) write(`hint: ${err.hint}`);
    return err instanceof UsageError ? EXIT.usage : EXIT.refused;
  }
  const api = err instanceof ItemFailure ? err.error : err;
  const target = err instanceof ItemFailure ? err.target : undefined;
  if (!(api instanceof ApiError)) {
    write(`error: ${err instanceof Error ? err.message : String(err)}`);
    return EXIT.refused;
  }
  write(`error: ${api.message}`);
  if (api.code === CLIENT_ERROR_CODES.unreachable) {
    write('hint: is the server running? Start it with `npm start`, or point at another one with --server <url> or ENVMGR_SERVER');
    return EXIT.unreachable;
  }
  for (const e of api.problem?.errors ?? []) write(`  ${e.path || '(document)'}: ${e.message}`);
  if (api.isServerError) {
    if (api.requestId) write(`request id: ${api.requestId} (quote it when you report this)`);
    return EXIT.serverError;
  }
  for (const line of hintLines(api, target, auth)) write(line);
  return EXIT.refused;
}

function hintLines(err: ApiError, target: Target | undefined, auth: AuthInfo | undefined): string[] {
  if (err.status === 401) return signInHints(err, auth);
  if (err.status === 403 && err.code === 'permission-denied') return missingPermissionLines(err);
  if (err.status === 429) return [`hint: wait ${describeWait(err.retryAfterSeconds)} before trying again`];
  const type = target?.type ?? '<type>';
  const key = target?.key !== undefined ? quoteArg(target.key) : '<key>';
  switch (err.code) {
    case 'version-conflict':
      return [`hint: someone changed it since you read it: run \`envmgr config get ${type} ${key}\`, re-apply your change, and retry with the new Version`];
    case 'version-required':
      return [`hint: pass --expected-version <n>, or keep the Version from \`envmgr config get ${type} ${key}\` in the file`];
    case 'still-referenced':
      return [...referrerLines(err.problem?.referrers), 'hint: change or delete the items that use it first, then retry'];
    case 'not-found':
      return target ? [`hint: see what exists with \`envmgr config list ${type}\` (keys are case-sensitive)`] : [];
    case 'already-exists':
      return target ? [`hint: to change it, use \`envmgr config update ${type} ${key} --file <path>\``] : [];
    default:
      return [];
  }
}

/** What to do about a 401: every path leads to `envmgr login`, but a refused ENVMGR_TOKEN or --token is named. */
function signInHints(err: ApiError, auth: AuthInfo | undefined): string[] {
  if (err.code === 'invalid-credentials') return ['hint: check the user name and password'];
  if (err.code === 'user-disabled') return ['hint: ask an administrator to enable the user again'];
  const server = auth ? ` to ${auth.server}` : '';
  switch (auth?.source) {
    case 'env':
      return ['hint: the token in ENVMGR_TOKEN was refused: set a valid one (`envmgr token create`), or unset it and run `envmgr login`'];
    case 'flag':
      return ['hint: the token given with --token was refused: pass a valid one, or leave it out and run `envmgr login`'];
    case 'file':
      return err.code === 'token-expired'
        ? [`hint: your sign-in${server} has expired: run \`envmgr login\``]
        : [`hint: the stored token${server} was refused: run \`envmgr login\` to sign in again`];
    default:
      return [`hint: run \`envmgr login\` to sign in${server} (pipelines: set ENVMGR_TOKEN to an API token)`];
  }
}

/** The permission a 403 names (`missing`), as `needs PUT on /config/environments/c50 for cluster 'Infra'`. */
function missingPermissionLines(err: ApiError): string[] {
  const missing = err.problem?.missing;
  if (!missing || typeof missing !== 'object') return [];
  const m = missing as Record<string, unknown>;
  const access = typeof m.access === 'string' ? m.access : '?';
  const resource = typeof m.resource === 'string' ? m.resource : '?';
  const scope = [named('cluster', 'clusters', m.clusters), named('environment type', 'environment types', m.environmentTypes)].filter(Boolean).join(' and ');
  const need = access === 'ADMIN' && resource === '**' ? 'needs administrator rights' : `needs ${access} on ${resource}${scope ? ` for ${scope}` : ''}`;
  return [
    // The server's detail usually starts with this very sentence; say it once.
    ...(err.message.startsWith(need) ? [] : [`  ${need}`]),
    'hint: ask an administrator to grant it (in a permission set named after you or one of your groups); `envmgr whoami` lists what you have',
  ];
}

function named(one: string, many: string, names: unknown): string {
  const list = Array.isArray(names) ? names.filter((n): n is string => typeof n === 'string') : [];
  if (list.length === 0) return '';
  return `${list.length === 1 ? one : many} ${list.map((n) => `'${n}'`).join(', ')}`;
}

/** `30 s`, `5 min`; "a few minutes" when the server did not say. */
export function describeWait(seconds: number | undefined): string {
  if (seconds === undefined) return 'a few minutes';
  return seconds < 120 ? `${seconds} s` : `${Math.ceil(seconds / 60)} min`;
}

function referrerLines(referrers: unknown): string[] {
  if (!Array.isArray(referrers)) return [];
  return referrers.flatMap((r: unknown) =>
    r && typeof r === 'object' && 'type' in r && 'key' in r ? [`  used by ${String(r.type)} '${String(r.key)}'`] : [],
  );
}

/** Quotes a key for a shell when it holds anything beyond safe characters. */
export function quoteArg(value: string): string {
  return /^[A-Za-z0-9_./:@%+=,-]+$/.test(value) ? value : `'${value.replace(/'/g, `'\\''`)}'`;
}
