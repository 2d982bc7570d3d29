import { mkdir, readFile as fsReadFile, rename, unlink, writeFile as fsWriteFile } from 'node:fs/promises';
import type { FetchLike } from '@envmgr/api-contract';
import { UsageError } from './failure.js';
import type { EdgeHost } from './edge-host.js';

export interface Writer {
  write(chunk: string): unknown;
  /** True for a terminal, where progress is redrawn in place (`deploy --wait`). */
  readonly isTTY?: boolean | undefined;
  /** The terminal's width in characters. */
  readonly columns?: number | undefined;
}

/** The file operations behind the credentials file (reads go through {@link Io.readFile}). */
export interface FileSystem {
  /** Creates a folder and its missing parents with `mode`; an existing folder is left as it is. */
  mkdir(path: string, mode: number): Promise<void>;
  /** Creates a new file with `mode` and writes `text` to it; fails if the path exists. */
  createFile(path: string, text: string, mode: number): Promise<void>;
  /** Replaces `to` with `from` in one step. */
  rename(from: string, to: string): Promise<void>;
  /** Deletes a file. */
  remove(path: string): Promise<void>;
}

export const nodeFileSystem: FileSystem = {
  mkdir: async (path, mode) => void (await mkdir(path, { recursive: true, mode })),
  // `wx`: never follows or reuses an existing file (or a symlink planted in its place).
  createFile: (path, text, mode) => fsWriteFile(path, text, { encoding: 'utf8', mode, flag: 'wx' }),
  rename,
  remove: unlink,
};

/** Questions on the terminal; only present when stdin is one. */
export interface Prompter {
  /** Asks a question, showing what is typed. */
  ask(question: string): Promise<string>;
  /** Asks without echoing what is typed (passwords). */
  askSecret(question: string): Promise<string>;
}

/** Everything the CLI touches outside itself, so tests can drive `run()` without a terminal, files or a server. */
export interface Io {
  stdout: Writer;
  stderr: Writer;
  /** Read for `ENVMGR_SERVER`, `ENVMGR_TOKEN`, `ENVMGR_CONFIG_DIR`, `XDG_CONFIG_HOME` and `HOME`. */
  env: Readonly<Record<string, string | undefined>>;
  /** Reads a UTF-8 file. @default node:fs readFile */
  readFile?: ((path: string) => Promise<string>) | undefined;
  /** Writes a UTF-8 file. @default node:fs writeFile */
  writeFile?: ((path: string, text: string) => Promise<void>) | undefined;
  /** What `--file -` reads. @default process.stdin */
  stdin?: AsyncIterable<string | Uint8Array> | undefined;
  /** @default the global fetch */
  fetch?: FetchLike | undefined;
  /** The clock for relative times such as `--since 24h`. @default () => new Date() */
  now?: (() => Date) | undefined;
  /** Writes the credentials file. @default {@link nodeFileSystem} */
  fs?: FileSystem | undefined;
  /** The home folder, when `HOME` is not set. @default os.homedir */
  homedir?: (() => string) | undefined;
  /** This machine's name, for the default API token name. @default os.hostname */
  hostname?: (() => string) | undefined;
  /** Asks for a user name or password; absent when there is no terminal to ask on. */
  prompt?: Prompter | undefined;
  /**
   * Calls `handler` on Ctrl-C (SIGINT) instead of ending the process, until the returned function is called
   * (`deploy --wait` then stops waiting). Absent: Ctrl-C ends the process as usual.
   */
  onInterrupt?: ((handler: () => void) => () => void) | undefined;
  /** Files, programs and signals for `envmgr edge` (nginx); absent where it cannot run. */
  edge?: EdgeHost | undefined;
}

/** Reads `path` (or stdin for `-`) and parses it as JSON; an unreadable or malformed file is a usage error. */
export async function readJsonInput(io: Io, path: string): Promise<unknown> {
  const source = path === '-' ? 'stdin' : `'${path}'`;
  const text = path === '-' ? await readAll(io.stdin ?? process.stdin) : await readText(io, path);
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    throw new UsageError(`${source} is not valid JSON: ${err instanceof Error ? err.message : String(err)}`);
  }
}

/** Writes `text` to `path`; failure to write is a usage error naming the path. */
export async function writeTextFile(io: Io, path: string, text: string): Promise<void> {
  try {
    await (io.writeFile ?? ((p: string, t: string) => fsWriteFile(p, t, 'utf8')))(path, text);
  } catch (err) {
    throw new UsageError(`cannot write '${path}': ${describeFsError(err)}`);
  }
}

/** Reads stdin to its end (`--password-stdin`, `--file -`). */
export function readStdin(io: Io): Promise<string> {
  return readAll(io.stdin ?? process.stdin);
}

async function readText(io: Io, path: string): Promise<string> {
  try {
    return await (io.readFile ?? ((p: string) => fsReadFile(p, 'utf8')))(path);
  } catch (err) {
    throw new UsageError(`cannot read '${path}': ${describeFsError(err)}`);
  }
}

async function readAll(stream: AsyncIterable<string | Uint8Array>): Promise<string> {
  const decoder = new TextDecoder();
  let text = '';
  for await (const chunk of stream) text += typeof chunk === 'string' ? chunk : decoder.decode(chunk, { stream: true });
  return text + decoder.decode();
}

export function describeFsError(err: unknown): string {
  const code = err && typeof err === 'object' && 'code' in err ? String(err.code) : undefined;
  if (code === 'ENOENT') return 'no such file';
  if (code === 'EACCES') return 'permission denied';
  if (code === 'EISDIR') return 'it is a directory';
  return err instanceof Error ? err.message : String(err);
}
