import { readFile as fsReadFile, writeFile as fsWriteFile } from 'node:fs/promises';
import type { FetchLike } from '@envmgr/api-contract';
import { UsageError } from './failure.js';

export interface Writer {
  write(chunk: string): unknown;
}

/** Everything the CLI touches outside itself, so tests can drive `run()` without a terminal, files or a server. */
export interface Io {
  stdout: Writer;
  stderr: Writer;
  /** Read for `ENVMGR_SERVER`. */
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

function describeFsError(err: unknown): string {
  const code = err && typeof err === 'object' && 'code' in err ? String(err.code) : undefined;
  if (code === 'ENOENT') return 'no such file';
  if (code === 'EACCES') return 'permission denied';
  if (code === 'EISDIR') return 'it is a directory';
  return err instanceof Error ? err.message : String(err);
}
