import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { StreamFetchLike } from '@envmgr/api-contract';

/** What `envmgr edge` does to the machine it runs on: files, programs (nginx), streams, signals. */
export interface EdgeHost {
  /**
   * Runs a program without a shell and resolves with its exit code and output (stdout and stderr together); a
   * program that cannot be started resolves with code 127 and the reason. Never rejects.
   */
  exec(file: string, args: readonly string[]): Promise<{ code: number; output: string }>;
  /** The file's text, or undefined when it does not exist. */
  readText(path: string): Promise<string | undefined>;
  writeText(path: string, text: string): Promise<void>;
  /** Replaces `to` by `from` in one step (same file system). */
  rename(from: string, to: string): Promise<void>;
  /** A new empty folder under the system's temporary folder. */
  makeTempDir(prefix: string): Promise<string>;
  /** Removes a file or folder; missing is fine. */
  remove(path: string): Promise<void>;
  /** For the server-sent events of `GET /api/v1/events`. */
  fetch: StreamFetchLike;
  /** Calls `handler` on SIGINT and SIGTERM instead of ending the process, until the returned function is called. */
  onStop(handler: () => void): () => void;
}

/** The real machine. */
export const nodeEdgeHost: EdgeHost = {
  exec: (file, args) =>
    new Promise((resolve) => {
      execFile(file, [...args], { timeout: 60_000, maxBuffer: 1 << 20 }, (err, stdout, stderr) => {
        const output = `${stdout}${stderr}`.trim();
        if (!err) return resolve({ code: 0, output });
        const code = typeof (err as { code?: unknown }).code === 'number' ? Number((err as { code: number }).code) : 127;
        resolve({ code, output: output || err.message });
      });
    }),
  readText: async (path) => {
    try {
      return await readFile(path, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw err;
    }
  },
  writeText: (path, text) => writeFile(path, text, { encoding: 'utf8', mode: 0o644 }),
  rename,
  makeTempDir: (prefix) => mkdtemp(join(tmpdir(), prefix)),
  remove: (path) => rm(path, { recursive: true, force: true }),
  fetch: (url, init) => globalThis.fetch(url, init as RequestInit),
  onStop: (handler) => {
    process.on('SIGINT', handler);
    process.on('SIGTERM', handler);
    return () => {
      process.off('SIGINT', handler);
      process.off('SIGTERM', handler);
    };
  },
};
