import type { PackagesHttpDeps } from './packages-http-deps.js';
import { createRoute, z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import {
  CHECKSUM_HEADER,
  EnvironmentPackagePathSchema,
  LogInfoSchema,
  LogListQuerySchema,
  LogPathSchema,
  PACKAGE_MEDIA_TYPES,
  packagePath,
  PackagePathSchema,
  PackageUploadUrlSchema,
  PackageVersionSchema,
  ServicePathSchema,
  StoredLogSchema,
  UploadedPackageSchema,
} from '@envmgr/api-contract';
import { checkPackageUpload, downloadPackage, listLogs, listPackageVersions, readLog, uploadLog, uploadPackage, type ConfigDeps, type PackageDeps } from '@envmgr/app';
import type { BlobStore, PackageRef } from '@envmgr/ports';
import { json, raw, type App, type AppEnv } from '../context.js';
import { problem, validationProblem, zodProblems } from '../problems/problem.js';
import { problemResponse } from '../problems/respond.js';
import { problemResponses } from '../problems/responses.js';
import { declare, PERMISSION_EXTENSION } from '../access/route-permission.js';
import { createZipPackageInspector } from './zip-inspector.js';


export const DEFAULT_MAX_PACKAGE_BYTES = 512 * 1024 * 1024;
export const DEFAULT_MAX_LOG_BYTES = 16 * 1024 * 1024;

/**
 * Routes whose request bodies are not JSON and carry their own size limits (packages, logs): the app's JSON-only
 * and body-limit middleware must let them through.
 */
export function isBinaryUploadPath(path: string): boolean {
  return /^\/api\/v1\/(packages|logs)\//.test(path);
}

const tags = ['Packages'];
const logTags = ['Deployment logs'];
const binary = (description: string) => ({ schema: z.string().meta({ format: 'binary', description }) });
const ok = (description: string, schema: z.ZodType) => ({ description, content: { 'application/json': { schema } } });
const LOG_MEDIA_TYPES = ['text/plain', 'application/octet-stream'];

/** Packages (SPEC §5: upload, download, list, upload URL) and deployment logs (SPEC §6). */
export function registerPackageRoutes(app: App, deps: { config: ConfigDeps; packages: PackagesHttpDeps }): void {
  const p = deps.packages;
  const pkg: PackageDeps = {
    config: deps.config,
    packages: p.store,
    inspector: createZipPackageInspector({ stagingDir: p.stagingDir }),
    maxPackageBytes: p.maxPackageBytes ?? DEFAULT_MAX_PACKAGE_BYTES,
  };
  const logs = { blobs: p.blobs, maxLogBytes: p.maxLogBytes ?? DEFAULT_MAX_LOG_BYTES };

  for (const [suffix, params] of [
    ['', PackagePathSchema],
    ['/{environment}', EnvironmentPackagePathSchema],
  ] as const) {
    const path = `/api/v1/packages/{service}/{version}${suffix}`;
    const forEnv = suffix ? ' built for one environment' : '';
    const id = suffix ? 'ForEnvironment' : '';
    app.openapi(
      createRoute(declare('permission', {
        method: 'put', path, tags, operationId: `uploadPackage${id}`, summary: `Upload a package${forEnv}`,
        description:
          'Streams a zip with `appspec.yml` at its root (SPEC §5). It is checked before it is stored: `os` linux or windows, ' +
          'well-formed files, permissions and hooks, hook scripts present in the archive. A version is stored once and never replaced.',
        request: {
          params,
          body: { required: true, content: Object.fromEntries(PACKAGE_MEDIA_TYPES.map((t) => [t, binary('the zip archive')])) },
        },
        responses: {
          201: ok('stored; `ETag` is the SHA-256', UploadedPackageSchema),
          ...problemResponses(401, 403, 404, 409, 413, 415),
        },
      })),
      async (c) => {
        const type = mediaType(c);
        if (type && !PACKAGE_MEDIA_TYPES.some((t) => t === type)) return unsupported(c, type, 'application/zip');
        const ref = refOf(c.req.valid('param'));
        const up = await uploadPackage(pkg, c.get('actor'), { ref, body: requestBody(c), declaredSizeBytes: declaredSize(c) });
        const dto = { ...ref, sha256: up.sha256, sizeBytes: up.sizeBytes };
        return json(201, dto, { Location: `/api/v1/${packagePath(ref)}`, ETag: `"${up.sha256}"` });
      },
    );

    app.openapi(
      createRoute({
        method: 'get', path, tags, operationId: `downloadPackage${id}`, summary: `Download a package${forEnv}`,
        description: 'The zip as stored. `X-Checksum-Sha256` (hex) and `Digest` (base64) carry its SHA-256: verify it.',
        request: { params },
        responses: {
          200: { description: 'the archive', content: { 'application/zip': binary('the zip archive') } },
          304: { description: 'unchanged (If-None-Match matched the ETag)' },
          ...problemResponses(404),
        },
      }),
      async (c) => {
        const ref = refOf(c.req.valid('param'));
        const { info, body } = await downloadPackage(pkg, c.get('actor'), ref);
        const tag = `"${info.sha256}"`;
        const headers = { ETag: tag, 'Cache-Control': 'private, max-age=31536000, immutable', [CHECKSUM_HEADER]: info.sha256 };
        if (c.req.header('if-none-match') === tag || c.req.method === 'HEAD') await close(body);
        if (c.req.header('if-none-match') === tag) return raw(new Response(null, { status: 304, headers }));
        const name = `${ref.service}-${ref.version}${ref.environment !== undefined ? `-${ref.environment}` : ''}.zip`;
        return raw(
          new Response(toWebStream(body), {
            status: 200,
            headers: {
              ...headers,
              'Content-Type': 'application/zip',
              'Content-Length': String(info.sizeBytes),
              'Content-Disposition': `attachment; filename="${name}"`,
              Digest: `sha-256=${Buffer.from(info.sha256, 'hex').toString('base64')}`,
              'Last-Modified': new Date(info.storedAt).toUTCString(),
            },
          }),
        );
      },
    );

    app.openapi(
      createRoute({
        method: 'get', path: `/api/v1/package-upload-url/{service}/{version}${suffix}`, tags, operationId: `packageUploadUrl${id}`,
        summary: `Where to upload a package${forEnv}`,
        description:
          "EM's upload-URL route (SPEC §5). In the embedded mode the URL is this server's own PUT route (no signature: send your " +
          'usual credentials with the PUT); an S3-backed store may answer with a pre-signed URL instead. The checks of the upload ' +
          'run now too: 404 for an unknown service or environment (EM answered 422), 409 when the version exists. ' +
          '`Accept: text/plain` returns the bare URL.',
        request: { params },
        responses: {
          200: { description: 'the URL to PUT the zip to', content: { 'application/json': { schema: PackageUploadUrlSchema }, 'text/plain': { schema: z.string() } } },
          ...problemResponses(401, 403, 404, 409),
        },
      }),
      async (c) => {
        const ref = refOf(c.req.valid('param'));
        await checkPackageUpload(pkg, c.get('actor'), ref);
        const url = `${(p.publicBaseUrl ?? new URL(c.req.url).origin).replace(/\/+$/, '')}/api/v1/${packagePath(ref)}`;
        const wantsText = /^text\/plain\b/.test(c.req.header('accept') ?? '');
        return wantsText ? raw(new Response(url, { headers: { 'content-type': 'text/plain; charset=utf-8' } })) : json(200, { url });
      },
    );
  }

  app.openapi(
    createRoute({
      method: 'get', path: '/api/v1/packages/{service}', tags, operationId: 'listPackages', summary: 'Stored packages of a service',
      request: { params: ServicePathSchema },
      responses: { 200: ok('every stored version (and environment package), in semver order', z.array(PackageVersionSchema)), ...problemResponses(404) },
    }),
    async (c) => {
      const list = await listPackageVersions(pkg, c.get('actor'), c.req.valid('param').service);
      return json(200, list.map((l) => ({ version: l.version, ...(l.environment !== undefined ? { environment: l.environment } : {}), sha256: l.sha256, sizeBytes: l.sizeBytes, storedAt: l.storedAt })));
    },
  );

  registerLogRoutes(app, logs);
}

function registerLogRoutes(app: App, logs: { blobs: BlobStore; maxLogBytes: number }): void {
  app.openapi(
    createRoute({
      method: 'get', path: '/api/v1/logs', tags: logTags, operationId: 'listLogs', summary: 'Deployment logs by key prefix',
      request: { query: LogListQuerySchema },
      responses: { 200: ok('the logs whose keys start with `prefix`, in key order', z.array(LogInfoSchema)), ...problemResponses() },
    }),
    async (c) => json(200, await listLogs(logs, c.get('actor'), c.req.valid('query').prefix)),
  );

  // A key holds '/', which a {param} of the OpenAPI router cannot: the handlers use Hono's regex parameter, and the
  // operations are documented separately.
  const keyParam = { name: 'key', in: 'path' as const, required: true, description: 'the log key; may contain `/`', schema: { type: 'string' as const } };
  app.openAPIRegistry.registerPath({
    method: 'put', path: '/api/v1/logs/{key}', tags: logTags, operationId: 'uploadLog', summary: 'Store (or replace) a deployment log',
    [PERMISSION_EXTENSION]: 'permission',
    description: 'Agents upload their log per deployment (SPEC §6), e.g. to `c50/c50-Hello/deployment-i-0abc-42.log`.',
    parameters: [keyParam],
    request: { body: { required: true, content: Object.fromEntries(LOG_MEDIA_TYPES.map((t) => [t, binary('the log')])) } },
    responses: { 200: ok('stored', StoredLogSchema), ...problemResponses(401, 403, 413, 415) },
  });
  app.openAPIRegistry.registerPath({
    method: 'get', path: '/api/v1/logs/{key}', tags: logTags, operationId: 'readLog', summary: 'Read a deployment log',
    parameters: [keyParam],
    responses: {
      200: { description: 'the log: text/plain for keys ending .log or .txt, otherwise application/octet-stream', content: Object.fromEntries(LOG_MEDIA_TYPES.map((t) => [t, binary('the log')])) },
      ...problemResponses(404),
    },
  });

  app.put('/api/v1/logs/:key{[\\s\\S]+}', async (c) => {
    const key = logKeyOf(c);
    if (key instanceof Response) return key;
    const type = mediaType(c);
    if (type && !LOG_MEDIA_TYPES.includes(type)) return unsupported(c, type, 'text/plain');
    const body = await logBody(c);
    if (!body) return problemResponse(validationProblem([{ path: 'body', message: 'is required: the log text, not empty' }], c.get('requestId'), 'the request body'));
    return json(200, await uploadLog(logs, c.get('actor'), { key, body, declaredSizeBytes: declaredSize(c) }));
  });
  app.get('/api/v1/logs/:key{[\\s\\S]+}', async (c) => {
    const key = logKeyOf(c);
    if (key instanceof Response) return key;
    const { info, body } = await readLog(logs, c.get('actor'), key);
    if (c.req.method === 'HEAD') await close(body);
    const type = /\.(log|txt)$/.test(key) ? 'text/plain; charset=utf-8' : 'application/octet-stream';
    return new Response(toWebStream(body), { headers: { 'Content-Type': type, 'Content-Length': String(info.sizeBytes), 'Last-Modified': new Date(info.storedAt).toUTCString() } });
  });
}

function logKeyOf(c: Context<AppEnv>): string | Response {
  const parsed = LogPathSchema.safeParse({ key: c.req.param('key') });
  if (parsed.success) return parsed.data.key;
  const errors = zodProblems(parsed.error.issues).map((e) => ({ ...e, path: `param.${e.path}` }));
  return problemResponse(validationProblem(errors, c.get('requestId'), 'the URL'));
}

function refOf(params: { service: string; version: string; environment?: string }): PackageRef {
  return { service: params.service, version: params.version, ...(params.environment !== undefined ? { environment: params.environment } : {}) };
}

/** The media type of the request without parameters, lower-case; undefined when none was sent. */
function mediaType(c: Context<AppEnv>): string | undefined {
  const type = c.req.header('content-type')?.split(';')[0]?.trim().toLowerCase();
  return type || undefined;
}

function unsupported(c: Context<AppEnv>, got: string, want: string): never {
  return raw(problemResponse(problem(415, 'unsupported-media-type', `send Content-Type: ${want} (got '${got.slice(0, 80)}')`, c.get('requestId'))));
}

function declaredSize(c: Context<AppEnv>): number | undefined {
  const length = c.req.header('content-length');
  return length !== undefined && /^\d+$/.test(length) ? Number(length) : undefined;
}

/**
 * The log body; undefined when the request has none or it is empty (an agent always has something to say, and many
 * clients send `Content-Length: 0` for a PUT without a body). Only the first chunk is looked at; the rest stays a
 * stream, so the log size limit still applies while it is stored.
 */
async function logBody(c: Context<AppEnv>): Promise<AsyncIterable<Uint8Array> | undefined> {
  if (c.req.header('content-length') === '0') return undefined;
  const it = requestBody(c)[Symbol.asyncIterator]();
  let first = await it.next();
  while (!first.done && first.value.length === 0) first = await it.next();
  if (first.done) return undefined;
  const head = first.value;
  return (async function* () {
    yield head;
    for (let n = await it.next(); !n.done; n = await it.next()) yield n.value;
  })();
}

function requestBody(c: Context<AppEnv>): AsyncIterable<Uint8Array> {
  return c.req.raw.body ?? (async function* () {})();
}

/** A web stream over an async iterable; cancelling it (the client went away) releases the source. */
function toWebStream(source: AsyncIterable<Uint8Array>): ReadableStream<Uint8Array> {
  const it = source[Symbol.asyncIterator]();
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      const r = await it.next();
      if (r.done) controller.close();
      else controller.enqueue(r.value);
    },
    async cancel() {
      await it.return?.();
    },
  });
}

async function close(body: AsyncIterable<Uint8Array>): Promise<void> {
  await body[Symbol.asyncIterator]().return?.();
}

export type { PackagesHttpDeps } from './packages-http-deps.js';
