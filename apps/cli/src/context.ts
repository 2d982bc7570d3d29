import type { Command } from 'commander';
import { createClient, type EnvMgrClient } from '@envmgr/api-contract';
import { UsageError } from './failure.js';
import type { Io } from './io.js';

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
  /** A client for `--server`, else `ENVMGR_SERVER`, else {@link DEFAULT_SERVER}. */
  client: (cmd: Command) => EnvMgrClient;
}

export function createContext(io: Io): Context {
  return {
    io,
    out: (line) => io.stdout.write(`${line}\n`),
    write: (text) => io.stdout.write(text),
    note: (line) => io.stderr.write(`${line}\n`),
    now: io.now ?? (() => new Date()),
    client: (cmd) => {
      const opts = cmd.optsWithGlobals<{ server?: string }>();
      const baseUrl = checkServerUrl(opts.server ?? io.env.ENVMGR_SERVER ?? DEFAULT_SERVER, opts.server ? '--server' : 'ENVMGR_SERVER');
      return createClient({ baseUrl, fetch: io.fetch });
    },
  };
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
