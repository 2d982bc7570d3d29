import { createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import type { ArtifactFetcher, FetchResult, PackageRef } from '@envmgr/agent-core';

export interface HttpArtifactFetcherOptions {
  /** EM's origin, e.g. `http://127.0.0.1:8080`. */
  baseUrl: string;
  /** Sent as `Authorization: Bearer <token>`. */
  token?: string;
  /** @default 3 (SPEC §6: the download is tried three times) */
  attempts?: number;
  /** @default 1000 */
  retryDelayMs?: number;
  /** A download that stalls this long fails. @default 300000 */
  timeoutMs?: number;
  /** @default globalThis.fetch */
  fetch?: typeof fetch;
}

const CHECKSUM_HEADER = 'x-checksum-sha256';
const enc = encodeURIComponent;

export function packageUrl(baseUrl: string, ref: PackageRef): string {
  const env = ref.environment !== undefined ? `/${enc(ref.environment)}` : '';
  return `${baseUrl.replace(/\/+$/, '')}/api/v1/packages/${enc(ref.service)}/${enc(ref.version)}${env}`;
}

const describe = (ref: PackageRef) => `package ${ref.service} ${ref.version}${ref.environment ? ` for ${ref.environment}` : ''}`;

/** Downloads packages from EM's API, hashing the bytes as they are written and checking `X-Checksum-Sha256`. */
export function createHttpArtifactFetcher(opts: HttpArtifactFetcherOptions): ArtifactFetcher {
  const attempts = opts.attempts ?? 3;
  const retryDelayMs = opts.retryDelayMs ?? 1000;
  const doFetch = opts.fetch ?? globalThis.fetch;
  const headers: Record<string, string> = { accept: 'application/zip, application/problem+json' };
  if (opts.token) headers.authorization = `Bearer ${opts.token}`;

  async function once(ref: PackageRef, destination: string): Promise<FetchResult> {
    const url = packageUrl(opts.baseUrl, ref);
    let res: Response;
    try {
      res = await doFetch(url, { headers, signal: AbortSignal.timeout(opts.timeoutMs ?? 300_000) });
    } catch (err) {
      return { ok: false, kind: 'unavailable', reason: `EM at ${opts.baseUrl} cannot be reached for ${describe(ref)}: ${err instanceof Error ? err.message : String(err)}` };
    }
    if (res.status === 404) {
      await res.body?.cancel();
      return { ok: false, kind: 'not-found', reason: `EM has no ${describe(ref)} (404); upload it first` };
    }
    if (res.status !== 200 || !res.body) {
      const text = (await res.text().catch(() => '')).slice(0, 300);
      return { ok: false, kind: 'unavailable', reason: `EM answered the download of ${describe(ref)} with ${res.status}: ${text}` };
    }
    const expected = res.headers.get(CHECKSUM_HEADER)?.trim().toLowerCase();
    if (!expected || !/^[0-9a-f]{64}$/.test(expected)) {
      await res.body.cancel();
      return { ok: false, kind: 'unavailable', reason: `EM sent ${describe(ref)} without a valid ${CHECKSUM_HEADER} header, so it cannot be verified` };
    }
    const hash = createHash('sha256');
    let sizeBytes = 0;
    const hashing = new Transform({
      transform(chunk: Buffer, _enc, cb) {
        hash.update(chunk);
        sizeBytes += chunk.length;
        cb(null, chunk);
      },
    });
    try {
      await pipeline(Readable.fromWeb(res.body as WebReadableStream<Uint8Array>), hashing, createWriteStream(destination));
    } catch (err) {
      await rm(destination, { force: true });
      return { ok: false, kind: 'unavailable', reason: `the download of ${describe(ref)} broke off: ${err instanceof Error ? err.message : String(err)}` };
    }
    const actual = hash.digest('hex');
    if (actual !== expected) {
      await rm(destination, { force: true });
      return { ok: false, kind: 'checksum-mismatch', reason: `checksum mismatch for ${describe(ref)}: EM recorded sha256 ${expected}, the ${sizeBytes} bytes received have ${actual}` };
    }
    return { ok: true, sha256: actual, sizeBytes };
  }

  return {
    async fetch(ref, destination) {
      let result: FetchResult = { ok: false, kind: 'unavailable', reason: 'not tried' };
      for (let attempt = 1; attempt <= attempts; attempt++) {
        result = await once(ref, destination);
        // only a transient failure is worth another try
        if (result.ok || result.kind !== 'unavailable') return result;
        if (attempt < attempts) await new Promise((r) => setTimeout(r, retryDelayMs * attempt));
      }
      return result;
    },
  };
}
