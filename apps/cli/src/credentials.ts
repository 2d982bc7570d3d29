import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { dirname, isAbsolute, join } from 'node:path';
import { UsageError } from './failure.js';
import { describeFsError, nodeFileSystem, type Io } from './io.js';

/** What `envmgr login` keeps per server. */
export interface StoredCredential {
  /** An API token (`emt_<id>_<secret>`) or a short-lived sign-in token. */
  token: string;
  user: string;
  /** ISO time the token stops working; null when it never expires. */
  expiresAt: string | null;
}

/** Where the token a command sends comes from, in the order they are tried. */
import type { TokenSource } from './auth-info.js';

export type { TokenSource } from './auth-info.js';

export interface ResolvedToken {
  token: string;
  source: TokenSource;
  /** The file's entry when `source` is `file`. */
  stored?: StoredCredential | undefined;
}

export const API_TOKEN_PREFIX = 'emt_';
const FILE_MODE = 0o600;
const DIR_MODE = 0o700;

/**
 * The credentials file: `$ENVMGR_CONFIG_DIR/credentials.json`, else `$XDG_CONFIG_HOME/envmgr/credentials.json`, else
 * `~/.config/envmgr/credentials.json`. A relative XDG_CONFIG_HOME is ignored, as the XDG spec asks.
 */
export function credentialsPath(io: Io): string {
  const own = io.env.ENVMGR_CONFIG_DIR;
  if (own) return join(own, 'credentials.json');
  const xdg = io.env.XDG_CONFIG_HOME;
  const config = xdg && isAbsolute(xdg) ? xdg : join(io.env.HOME || (io.homedir ?? homedir)(), '.config');
  return join(config, 'envmgr', 'credentials.json');
}

/** The file's key for a server: its URL without trailing slashes, host in lower case (`http://em.internal:8080`). */
export function serverKey(baseUrl: string): string {
  return new URL(baseUrl).href.replace(/\/+$/, '');
}

/** The id of an API token (between `emt_` and the next `_`); undefined for other tokens. */
export function apiTokenId(token: string): string | undefined {
  if (!token.startsWith(API_TOKEN_PREFIX)) return undefined;
  const id = token.slice(API_TOKEN_PREFIX.length).split('_', 1)[0];
  return id || undefined;
}

/** The stored credential for `server`, if any. */
export async function storedCredential(io: Io, server: string): Promise<StoredCredential | undefined> {
  const { entries } = await readCredentialsFile(io);
  return asCredential(entries[serverKey(server)]);
}

/** The token to send to `server`: `--token`, else `ENVMGR_TOKEN`, else the credentials file; undefined when none. */
export async function resolveToken(io: Io, server: string, flag: string | undefined): Promise<ResolvedToken | undefined> {
  if (flag !== undefined) return { token: checkToken(flag, '--token'), source: 'flag' };
  const env = io.env.ENVMGR_TOKEN;
  if (env !== undefined && env.trim() !== '') return { token: checkToken(env, 'ENVMGR_TOKEN'), source: 'env' };
  const stored = await storedCredential(io, server);
  if (!stored) return undefined;
  return { token: checkToken(stored.token, `the token stored for ${serverKey(server)} in ${credentialsPath(io)}`), source: 'file', stored };
}

/** Keeps `entry` for `server`, leaving other servers' entries alone. */
export async function storeCredential(io: Io, server: string, entry: StoredCredential): Promise<string> {
  const { path, entries } = await readCredentialsFile(io);
  await writeCredentialsFile(io, path, { ...entries, [serverKey(server)]: entry });
  return path;
}

/** Drops the entry for `server`; the file goes when it was the last one. Returns whether there was one. */
export async function forgetCredential(io: Io, server: string): Promise<boolean> {
  const { path, entries } = await readCredentialsFile(io);
  const key = serverKey(server);
  if (!(key in entries)) return false;
  const { [key]: _gone, ...rest } = entries;
  if (Object.keys(rest).length > 0) await writeCredentialsFile(io, path, rest);
  else {
    try {
      await (io.fs ?? nodeFileSystem).remove(path);
    } catch (err) {
      if (errorCode(err) !== 'ENOENT') throw new UsageError(`cannot delete '${path}': ${describeFsError(err)}`);
    }
  }
  return true;
}

async function readCredentialsFile(io: Io): Promise<{ path: string; entries: Record<string, unknown> }> {
  const path = credentialsPath(io);
  let text: string;
  try {
    text = await (io.readFile ?? ((p: string) => readFile(p, 'utf8')))(path);
  } catch (err) {
    if (errorCode(err) === 'ENOENT') return { path, entries: {} };
    throw new UsageError(`cannot read the credentials file '${path}': ${describeFsError(err)}`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    parsed = undefined;
  }
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new UsageError(`the credentials file '${path}' is not a JSON object`, 'delete it and run `envmgr login` again');
  }
  return { path, entries: parsed as Record<string, unknown> };
}

/**
 * Writes the file atomically: a new file created with mode 0600 beside it (never an existing one), then renamed
 * over it, so a reader sees the old or the new file and the token is never readable by others, even briefly.
 * The folder is created with mode 0700.
 */
async function writeCredentialsFile(io: Io, path: string, entries: Record<string, unknown>): Promise<void> {
  const fs = io.fs ?? nodeFileSystem;
  const temp = `${path}.${randomBytes(6).toString('hex')}.tmp`;
  try {
    await fs.mkdir(dirname(path), DIR_MODE);
    await fs.createFile(temp, `${JSON.stringify(entries, null, 2)}\n`, FILE_MODE);
    await fs.rename(temp, path);
  } catch (err) {
    await fs.remove(temp).catch(() => undefined);
    throw new UsageError(`cannot write the credentials file '${path}': ${describeFsError(err)}`);
  }
}

function asCredential(value: unknown): StoredCredential | undefined {
  if (!value || typeof value !== 'object') return undefined;
  const { token, user, expiresAt } = value as Record<string, unknown>;
  if (typeof token !== 'string' || token === '') return undefined;
  return { token, user: typeof user === 'string' ? user : '', expiresAt: typeof expiresAt === 'string' ? expiresAt : null };
}

/** Surrounding whitespace is dropped; what is left must fit in a header. The message never quotes the token. */
function checkToken(value: string, source: string): string {
  const token = value.trim();
  if (!/^[\x21-\x7e]+$/.test(token)) throw new UsageError(`${source} is not a valid token: it is empty or holds spaces, control or non-ASCII characters`);
  return token;
}

function errorCode(err: unknown): string | undefined {
  return err && typeof err === 'object' && 'code' in err ? String(err.code) : undefined;
}
