import { hostname } from 'node:os';
import type { Command } from 'commander';
import { createClient, type EnvMgrClient } from '@envmgr/api-contract';
import { resolveToken, serverKey, type ResolvedToken } from './credentials.js';
import { UsageError } from './failure.js';
import type { Io } from './io.js';
import type { AuthInfo } from './auth-info.js';

export type { AuthInfo } from './auth-info.js';

export const DEFAULT_SERVER = 'http://127.0.0.1:8080';

/** What every command action gets: output, the clock, and a client for the chosen server. */
export interface Context {
  io: Io;
  /** Writes a line to stdout. */
  out: (line: string) => void;
  /** Writes text to stdout as is. */
  write: (text: string) => void;
  /** Writes a line to stderr (notes that must not mix with piped output). */
  note: (line: string) => void;
  now: () => Date;
  /** The server: `--server`, else `ENVMGR_SERVER`, else {@link DEFAULT_SERVER}; without trailing slashes. */
  server: (cmd: Command) => string;
  /**
   * A client for the server that signs its requests with the token from `--token`, else `ENVMGR_TOKEN`, else the
   * credentials file (`envmgr login`); without any, requests go unsigned and the server answers 401.
   */
  client: (cmd: Command) => Promise<EnvMgrClient>;
  /** The token {@link client} would send, and where it comes from; undefined when there is none. */
  token: (cmd: Command) => Promise<ResolvedToken | undefined>;
  /** A client for the server that sends `token`, or nothing (signing in must not send a stale token). */
  clientWith: (cmd: Command, token: string | undefined) => EnvMgrClient;
  /** The credentials behind the latest client, so a 401 hint can say which to fix. */
  auth: AuthInfo | undefined;
  hostname: () => string;
}


export function createContext(io: Io): Context {
  const server = (cmd: Command): string => {
    const opts = cmd.optsWithGlobals<{ server?: string }>();
    return serverKey(checkServerUrl(opts.server ?? io.env.ENVMGR_SERVER ?? DEFAULT_SERVER, opts.server ? '--server' : 'ENVMGR_SERVER'));
  };
  const ctx: Context = {
    io,
    out: (line) => io.stdout.write(`${line}\n`),
    write: (text) => io.stdout.write(text),
    note: (line) => io.stderr.write(`${line}\n`),
    now: io.now ?? (() => new Date()),
    server,
    token: (cmd) => resolveToken(io, server(cmd), cmd.optsWithGlobals<{ token?: string }>().token),
    client: async (cmd) => {
      const found = await ctx.token(cmd);
      const client = ctx.clientWith(cmd, found?.token);
      ctx.auth = { server: server(cmd), source: found?.source ?? 'none' };
      return client;
    },
    clientWith: (cmd, token) => {
      ctx.auth = { server: server(cmd), source: token === undefined ? 'none' : 'login' };
      return createClient({ baseUrl: server(cmd), fetch: io.fetch, token });
    },
    auth: undefined,
    hostname: io.hostname ?? hostname,
  };
  return ctx;
}

function checkServerUrl(value: string, source: string): string {
  let url: URL | undefined;
  try {
    url = new URL(value);
  } catch {
    url = undefined;
  }
  if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:')) {
    throw new UsageError(`${source} must be an http(s) URL such as ${DEFAULT_SERVER}, got '${value}'`);
  }
  if (url.username || url.password) throw new UsageError(`${source} must not contain a user name or password`);
  return value;
}
