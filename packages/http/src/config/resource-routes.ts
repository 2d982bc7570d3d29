import { createRoute, z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { AuditRecordSchema, bodySchema, PageQuerySchema, RevertSchema, wireSchema, type ConfigType } from '@envmgr/api-contract';
import { actorIsAdmin, createItem, deleteItem, getItem, itemHistory, listItems, redactAudit, requireRead, revertItem, updateItem } from '@envmgr/app';
import { toWire, type JsonObject } from '@envmgr/domain';
import { json, raw, requestContext, type App, type AppEnv, type HttpDeps } from '../context.js';
import { decodeCursor, nextPageHeaders } from '../paging/cursor.js';
import { problemResponses } from '../problems/responses.js';
import { etag, expectedVersion } from './expected-version.js';
import { declare } from '../access/route-permission.js';

export interface ResourceSpec {
  type: ConfigType;
  title: string;
  /** List filters (query parameter names), as the domain indexes them. */
  filters: readonly string[];
  /** Path parameters that make up the key, joined by '/'. @default ['key'] */
  keyParams?: readonly string[];
}

const Param = z.string().min(1).max(1024);
const VersionHeaders = z.object({
  'if-match': z.string().regex(/^(W\/)?"\d{1,15}"$/, 'must be an ETag this server issued, such as "3"').optional().meta({ description: 'the ETag of the version you read, e.g. "3"' }),
  'expected-version': z.string().regex(/^\d{1,15}$/, 'must be a version number, such as 3').optional().meta({ description: "EM's header: the version you read" }),
});

const camel = (s: string): string => s.replace(/-(\w)/g, (_, ch: string) => ch.toUpperCase());
const pascal = (s: string): string => camel(s).replace(/^\w/, (ch) => ch.toUpperCase());

/** Registers list, create, get, update, delete, history and revert for one configuration resource. */
export function registerConfigResource(app: App, deps: HttpDeps, spec: ResourceSpec): void {
  const { type } = spec;
  const keyParams = spec.keyParams ?? ['key'];
  const base = `/api/v1/config/${type}`;
  const itemPath = `${base}/${keyParams.map((p) => `{${p}}`).join('/')}`;
  const params = z.object(Object.fromEntries(keyParams.map((p) => [p, Param])));
  const Wire = wireSchema(type);
  const Body = bodySchema(type);
  const tags = [spec.title];
  const name = pascal(type);
  const keyOf = (c: Context<AppEnv>): string => normaliseKey(type, keyParams.map((p) => c.req.param(p) ?? '').join('/'));
  const itemUrl = (key: string): string => `${base}/${keyParams.length > 1 ? key.split('/').map(encodeURIComponent).join('/') : encodeURIComponent(key)}`;
  const ok = (description: string, schema: z.ZodType) => ({ description, content: { 'application/json': { schema } } });

  const filters = z.object(Object.fromEntries(spec.filters.map((f) => [f, z.string().min(1).max(255).optional()])));
  app.openapi(
    createRoute({
      method: 'get', path: base, tags, operationId: `list${name}`, summary: `List ${spec.title.toLowerCase()}`,
      request: { query: PageQuerySchema.extend(filters.shape) },
      responses: { 200: ok('one page, in key order; `X-Next-Cursor` names the next', z.array(Wire)), ...problemResponses(401, 403) },
    }),
    async (c) => {
      const { limit, cursor, ...rest } = c.req.valid('query') as { limit: number; cursor?: string } & Record<string, string | undefined>;
      requireRead(c.get('actor'), type);
      const filter = Object.fromEntries(Object.entries(rest).filter((e): e is [string, string] => e[1] !== undefined));
      const page = await listItems(deps.config, type, { filter, after: decodeCursor(cursor, 'string'), limit });
      return json(200, page.items.map(toWire), nextPageHeaders(c.req.url, page.next));
    },
  );

  app.openapi(
    createRoute(declare('permission', {
      method: 'post', path: base, tags, operationId: `create${name}`, summary: `Create one of ${spec.title.toLowerCase()}`,
      request: { body: { content: { 'application/json': { schema: Body } }, required: true } },
      responses: { 201: ok('created at version 1', Wire), ...problemResponses(401, 403, 409, 413, 415) },
    })),
    async (c) => {
      const { Version: _ignored, ...data } = c.req.valid('json') as JsonObject;
      const item = await createItem(deps.config, requestContext(c), type, data);
      return json(201, toWire(item), { ETag: etag(item.version), Location: itemUrl(item.key) });
    },
  );

  app.openapi(
    createRoute({
      method: 'get', path: itemPath, tags, operationId: `get${name}`, summary: `Read one of ${spec.title.toLowerCase()}`,
      request: { params },
      responses: { 200: ok('the item; `ETag` holds its version', Wire), ...problemResponses(401, 403, 404) },
    }),
    async (c) => {
      requireRead(c.get('actor'), type, keyOf(c));
      const item = await getItem(deps.config, type, keyOf(c));
      return json(200, toWire(item), { ETag: etag(item.version) });
    },
  );

  app.openapi(
    createRoute(declare('permission', {
      method: 'put', path: itemPath, tags, operationId: `update${name}`, summary: `Replace one of ${spec.title.toLowerCase()}`,
      request: { params, headers: VersionHeaders, body: { content: { 'application/json': { schema: Body } }, required: true } },
      responses: { 200: ok('the new version', Wire), ...problemResponses(401, 403, 404, 409, 413, 415, 428) },
    })),
    async (c) => {
      const { Version, ...data } = c.req.valid('json') as JsonObject;
      const h = c.req.valid('header');
      const expected = expectedVersion(h['if-match'], h['expected-version'], typeof Version === 'number' ? Version : undefined);
      const item = await updateItem(deps.config, requestContext(c), { type, key: keyOf(c), data, expectedVersion: expected });
      return json(200, toWire(item), { ETag: etag(item.version) });
    },
  );

  app.openapi(
    createRoute(declare('permission', {
      method: 'delete', path: itemPath, tags, operationId: `delete${name}`, summary: `Delete one of ${spec.title.toLowerCase()}`,
      request: { params, headers: VersionHeaders },
      responses: { 204: { description: 'deleted; its history stays in the audit log' }, ...problemResponses(401, 403, 404, 409, 428) },
    })),
    async (c) => {
      const h = c.req.valid('header');
      await deleteItem(deps.config, requestContext(c), { type, key: keyOf(c), expectedVersion: expectedVersion(h['if-match'], h['expected-version'], undefined) });
      return raw(new Response(null, { status: 204 }));
    },
  );

  app.openapi(
    createRoute({
      method: 'get', path: `${itemPath}/history`, tags, operationId: `history${name}`, summary: 'Audit records of one item, newest first',
      request: { params, query: PageQuerySchema },
      responses: { 200: ok('one page of audit records', z.array(AuditRecordSchema)), ...problemResponses(401, 403, 404) },
    }),
    async (c) => {
      const { limit, cursor } = c.req.valid('query');
      requireRead(c.get('actor'), type, keyOf(c));
      const page = await itemHistory(deps.config, type, keyOf(c), { beforeSeq: decodeCursor(cursor, 'number'), limit });
      const admin = actorIsAdmin(c.get('actor'));
      return json(200, page.items.map((r) => redactAudit(r, admin)), nextPageHeaders(c.req.url, page.next));
    },
  );

  app.openapi(
    createRoute(declare('permission', {
      method: 'post', path: `${itemPath}/revert`, tags, operationId: `revert${name}`, summary: 'Restore the data of an earlier version as a new version',
      request: { params, headers: VersionHeaders, body: { content: { 'application/json': { schema: RevertSchema } }, required: true } },
      responses: { 200: ok('the new version', Wire), ...problemResponses(401, 403, 404, 409, 415, 428) },
    })),
    async (c) => {
      const h = c.req.valid('header');
      const { version } = c.req.valid('json');
      const item = await revertItem(deps.config, requestContext(c), {
        type, key: keyOf(c), toVersion: version, expectedVersion: expectedVersion(h['if-match'], h['expected-version'], undefined),
      });
      return json(200, toWire(item), { ETag: etag(item.version) });
    },
  );
}

/** Upstream keys are `/<env>_<name>/config`; the URL may carry the key whole (encoded) or just `<env>_<name>`. */
function normaliseKey(type: ConfigType, key: string): string {
  if (type === 'upstreams' && !key.startsWith('/')) return `/${key}/config`;
  return key;
}
