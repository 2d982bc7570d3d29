import { createHash } from 'node:crypto';

/*
 * Bodies and checks shared by the package and blob contract suites. Test support: the `.contract.ts` suffix is what
 * marks test support in ports for the dependency rules (it may use node:crypto), although it holds no suite itself.
 */

const encoder = new TextEncoder();

export function bytesOf(part: string | Uint8Array): Uint8Array {
  return typeof part === 'string' ? encoder.encode(part) : part;
}

/** A body yielding each part as one chunk. */
export async function* body(...parts: (string | Uint8Array)[]): AsyncGenerator<Uint8Array> {
  for (const p of parts) yield bytesOf(p);
}

/** A body of `sizeBytes` pseudo-random bytes in chunks of `chunkBytes`, and the bytes it yields. */
export function largeBody(sizeBytes: number, chunkBytes = 64 * 1024): { bytes: Uint8Array; body: () => AsyncGenerator<Uint8Array> } {
  const bytes = new Uint8Array(sizeBytes);
  let x = 2463534242;
  for (let i = 0; i < sizeBytes; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    bytes[i] = x & 0xff;
  }
  return {
    bytes,
    body: async function* () {
      for (let i = 0; i < sizeBytes; i += chunkBytes) yield bytes.slice(i, i + chunkBytes);
    },
  };
}

/** A body that yields `parts` and then fails, as an upload cut off half-way does. */
export async function* failingBody(...parts: string[]): AsyncGenerator<Uint8Array> {
  for (const p of parts) yield bytesOf(p);
  throw new TypeError('the client went away');
}

/**
 * A body that yields `first`, then waits until `release()` before yielding `rest`: an upload in progress.
 * `started` resolves once the store has asked for the chunk after `first`, i.e. it has taken `first` in.
 */
export function pausedBody(first: string, rest: string): { body: AsyncGenerator<Uint8Array>; started: Promise<void>; release: () => void } {
  let release!: () => void;
  let markStarted!: () => void;
  const gate = new Promise<void>((r) => (release = r));
  const started = new Promise<void>((r) => (markStarted = r));
  async function* gen(): AsyncGenerator<Uint8Array> {
    yield bytesOf(first);
    markStarted();
    await gate;
    yield bytesOf(rest);
  }
  return { body: gen(), started, release };
}

export async function readAll(it: AsyncIterable<Uint8Array> | undefined): Promise<Uint8Array | undefined> {
  if (!it) return undefined;
  const parts: Uint8Array[] = [];
  for await (const chunk of it) parts.push(chunk);
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

export async function readText(it: AsyncIterable<Uint8Array> | undefined): Promise<string | undefined> {
  const bytes = await readAll(it);
  return bytes && new TextDecoder().decode(bytes);
}

export function sha256Of(part: string | Uint8Array): string {
  return createHash('sha256').update(bytesOf(part)).digest('hex');
}
