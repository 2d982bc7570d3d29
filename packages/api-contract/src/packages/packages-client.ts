import type { z } from 'zod';
import { ApiError, invalidResponseError, responseError, unreachableError } from '../client/api-error.js';
import { createTransport, parseReply, type FetchResponse } from '../client/transport.js';
import {
  CHECKSUM_HEADER,
  LogInfoSchema,
  PackageUploadUrlSchema,
  PackageVersionSchema,
  StoredLogSchema,
  UploadedPackageSchema,
  type LogInfoDto,
  type PackageVersionDto,
  type StoredLogDto,
  type UploadedPackageDto,
} from './package-schemas.js';

/** A Blob (e.g. from `openAsBlob` of node:fs, which streams a file with its Content-Length), described structurally. */
export interface BlobLike {
  readonly size: number;
  arrayBuffer(): Promise<ArrayBuffer>;
  stream(): unknown;
}

/** A request body the client streams: bytes, a Blob, or chunks (sent chunked, without Content-Length). */
export type BinaryBody = Uint8Array | BlobLike | AsyncIterable<Uint8Array>;

/** A fetch Response with its body as a stream (the global fetch's ReadableStream is async-iterable in Node 18+). */
export interface BinaryFetchResponse extends FetchResponse {
  readonly body: AsyncIterable<Uint8Array> | null;
}

/** The part of `fetch` the packages client calls; the global `fetch` satisfies it. */
export type BinaryFetchLike = (
  url: string,
  init: { method: string; headers: Record<string, string>; body?: string | BinaryBody; duplex?: 'half' },
) => Promise<BinaryFetchResponse>;

export interface PackagesClientOptions {
  /** The server's origin, e.g. `http://127.0.0.1:8080`. */
  baseUrl: string;
  /** @default the global `fetch` */
  fetch?: BinaryFetchLike | undefined;
  /** Sent with every request; never copied into errors. */
  headers?: Record<string, string> | undefined;
  /** Sent as `Authorization: Bearer <token>`, as by `createClient`; it never appears in an error. */
  token?: string | undefined;
}

/** Names a package: `environment` only for a package built for one environment. */
export interface PackageRefDto {
  service: string;
  version: string;
  environment?: string | undefined;
}

/** A package being downloaded. Verify `sha256` over the bytes of `body` before using them. */
export interface PackageDownload {
  /** The server's SHA-256 of the package, lower-case hex (`X-Checksum-Sha256`). */
  sha256: string;
  /** From Content-Length, when the server sent it. */
  sizeBytes: number | undefined;
  body: AsyncIterable<Uint8Array>;
  requestId: string | undefined;
}

/**
 * Packages and deployment logs (SPEC §5, §6). Failures are ApiErrors, as for the rest of the client: e.g.
 * `package-exists` (409), `invalid-package` (400, `problem.errors` lists every problem), `too-large` (413),
 * `not-found` (404).
 */
export interface PackagesApi {
  /** Uploads a zip as a new package version. */
  uploadPackage(ref: PackageRefDto, body: BinaryBody): Promise<UploadedPackageDto>;
  /** Every stored package of a service, in semver order. */
  listPackages(service: string): Promise<PackageVersionDto[]>;
  /** Streams one package; check its `sha256`. */
  downloadPackage(ref: PackageRefDto): Promise<PackageDownload>;
  /** Where to PUT a new package (EM's upload-URL route); fails with 409 when the version exists. */
  packageUploadUrl(ref: PackageRefDto): Promise<string>;
  /** Stores (or replaces) a deployment log. */
  uploadLog(key: string, body: string | BinaryBody): Promise<StoredLogDto>;
  /** One log as text. */
  readLog(key: string): Promise<string>;
  /** Logs whose keys start with `prefix`. */
  listLogs(prefix?: string): Promise<LogInfoDto[]>;
}

const enc = encodeURIComponent;
export const packagePath = (ref: PackageRefDto): string =>
  `packages/${enc(ref.service)}/${enc(ref.version)}${ref.environment !== undefined ? `/${enc(ref.environment)}` : ''}`;
const logPath = (key: string): string => `logs/${key.split('/').map(enc).join('/')}`;

export function createPackagesClient(opts: PackagesClientOptions): PackagesApi {
  const fetch = opts.fetch ?? globalFetch();
  const base = `${opts.baseUrl.replace(/\/+$/, '')}/api/v1/`;
  const headers: Record<string, string> = { ...opts.headers };
  if (opts.token !== undefined) {
    if (!/^[\x21-\x7e]+$/.test(opts.token)) throw new TypeError('the token is empty or holds characters an HTTP header cannot carry (spaces, line breaks, non-ASCII)');
    for (const name of Object.keys(headers)) if (name.toLowerCase() === 'authorization') delete headers[name];
    headers.authorization = `Bearer ${opts.token}`;
  }
  const hide = (err: ApiError): ApiError => {
    if (opts.token === undefined || opts.token.length < 4 || !err.message.includes(opts.token)) return err;
    return new ApiError(err.message.split(opts.token).join('[token]'), err, { cause: err.cause });
  };
  // JSON answers go through the client's ordinary transport (a binary fetch is also a JSON one)
  const send = createTransport({ baseUrl: opts.baseUrl, fetch, headers, secrets: opts.token === undefined ? [] : [opts.token] });

  const exchange = async (method: 'GET' | 'PUT', path: string, extra: Record<string, string>, body?: string | BinaryBody) => {
    const url = base + path;
    const init = { method, headers: { ...headers, ...extra }, ...(body !== undefined ? { body, ...(isStream(body) ? { duplex: 'half' as const } : {}) } : {}) };
    const shownUrl = withoutCredentials(url);
    let res: BinaryFetchResponse;
    try {
      res = await fetch(url, init);
    } catch (err) {
      throw hide(unreachableError(method, shownUrl, err));
    }
    const req = { method, url: shownUrl, status: res.status, requestId: res.headers.get('x-request-id') ?? undefined };
    if (!res.ok) throw responseError(req, parseJson(await res.text().catch(() => '')));
    return { res, req };
  };
  const jsonReply = async <S extends z.ZodType>(r: Awaited<ReturnType<typeof exchange>>, schema: S): Promise<z.output<S>> => {
    const text = await r.res.text();
    const body = parseJson(text);
    return parseReply({ ...r.req, headers: r.res.headers, body }, schema);
  };

  return {
    async uploadPackage(ref, body) {
      const r = await exchange('PUT', packagePath(ref), { 'content-type': 'application/zip', accept: 'application/json, application/problem+json' }, body);
      return jsonReply(r, UploadedPackageSchema);
    },
    async listPackages(service) {
      const reply = await send({ method: 'GET', path: `packages/${enc(service)}` });
      return parseReply(reply, PackageVersionSchema.array());
    },
    async downloadPackage(ref) {
      const { res, req } = await exchange('GET', packagePath(ref), { accept: 'application/zip, application/problem+json' });
      const sha256 = res.headers.get(CHECKSUM_HEADER);
      if (!sha256 || !/^[0-9a-f]{64}$/.test(sha256)) throw invalidResponseError(req, `the ${CHECKSUM_HEADER} header is missing or malformed`);
      if (!res.body) throw invalidResponseError(req, 'the response has no body');
      const length = Number(res.headers.get('content-length') ?? NaN);
      return { sha256, sizeBytes: Number.isSafeInteger(length) ? length : undefined, body: res.body, requestId: req.requestId };
    },
    async packageUploadUrl(ref) {
      const path = `package-upload-url/${packagePath(ref).slice('packages/'.length)}`;
      return parseReply(await send({ method: 'GET', path }), PackageUploadUrlSchema).url;
    },
    async uploadLog(key, body) {
      const type = typeof body === 'string' ? 'text/plain; charset=utf-8' : 'application/octet-stream';
      const r = await exchange('PUT', logPath(key), { 'content-type': type, accept: 'application/json, application/problem+json' }, body);
      return jsonReply(r, StoredLogSchema);
    },
    async readLog(key) {
      const { res } = await exchange('GET', logPath(key), { accept: 'text/plain, application/octet-stream, application/problem+json' });
      return res.text();
    },
    async listLogs(prefix = '') {
      return parseReply(await send({ method: 'GET', path: 'logs', query: { prefix: prefix || undefined } }), LogInfoSchema.array());
    },
  };
}

/** URLs appear in error messages, so any `user:password@` part is cut out. */
function withoutCredentials(url: string): string {
  return url.replace(/^([a-z][a-z0-9+.-]*:\/\/)[^/@]*@/i, '$1');
}

function isStream(body: string | BinaryBody): boolean {
  return typeof body === 'object' && Symbol.asyncIterator in body;
}

function parseJson(text: string): unknown {
  if (text.trim() === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

function globalFetch(): BinaryFetchLike {
  const f = (globalThis as { fetch?: BinaryFetchLike }).fetch;
  if (!f) return () => Promise.reject(new TypeError('this runtime has no global fetch; pass `fetch` to createPackagesClient'));
  return (url, init) => f.call(globalThis, url, init);
}
