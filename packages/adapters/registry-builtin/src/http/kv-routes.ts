import { RegistryValueTooLargeError } from '@envmgr/domain';
import { REGISTRY_MAX_VALUE_BYTES, registryKeyProblem } from '@envmgr/ports';
import type { Context } from 'hono';
import type { Engine } from '../engine/engine.js';
import { kvEntryJson } from './consul-json.js';
import { ConsulHttpError, blockingOptions, hasFlag, readHeaders, uintParam, type RegistryApp } from './http-support.js';

const PREFIX = '/v1/kv/';

/** The key of a KV request: the rest of the path, percent-decoded, checked as Consul checks it. */
function keyOf(c: Context): string {
  const path = new URL(c.req.url).pathname;
  let key: string;
  try {
    key = decodeURIComponent(path.slice(PREFIX.length));
  } catch {
    throw new ConsulHttpError(400, 'Invalid URL path: bad percent-encoding');
  }
  const problem = registryKeyProblem(key, { allowEmpty: true });
  if (problem) throw new ConsulHttpError(400, problem);
  return key;
}

const missingKey = (): ConsulHttpError => new ConsulHttpError(400, 'Missing key name');

async function get(c: Context, engine: Engine): Promise<Response> {
  const key = keyOf(c);
  const opts = blockingOptions(c);
  if (hasFlag(c, 'keys')) {
    // Consul still accepts its historic misspelling
    const separator = c.req.query('separator') ?? c.req.query('seperator') ?? undefined;
    const r = await engine.block({ kind: 'prefix', prefix: key }, () => engine.kv.keys(key, separator || undefined), opts);
    if (r.value.length === 0 && key !== '') return c.body(null, 404, readHeaders(r.index));
    return c.json(r.value, 200, readHeaders(r.index));
  }
  if (hasFlag(c, 'recurse')) {
    const r = await engine.block({ kind: 'prefix', prefix: key }, () => engine.kv.list(key), opts);
    if (r.value.length === 0) return c.body(null, 404, readHeaders(r.index));
    return c.json(r.value.map(kvEntryJson), 200, readHeaders(r.index));
  }
  if (key === '') throw missingKey();
  const r = await engine.block({ kind: 'key', key }, () => engine.kv.get(key), opts);
  if (!r.value) return c.body(null, 404, readHeaders(r.index));
  if (hasFlag(c, 'raw')) {
    // as Consul: a stored value must not be sniffed or run as a page by a browser
    return c.body(new Uint8Array(r.value.value), 200, {
      ...readHeaders(r.index),
      'Content-Type': 'text/plain',
      'X-Content-Type-Options': 'nosniff',
      'Content-Security-Policy': 'sandbox',
    });
  }
  return c.json([kvEntryJson(r.value)], 200, readHeaders(r.index));
}

async function put(c: Context, engine: Engine): Promise<Response> {
  const key = keyOf(c);
  if (key === '') throw missingKey();
  if (hasFlag(c, 'acquire') || hasFlag(c, 'release')) {
    throw new ConsulHttpError(400, 'sessions (acquire, release) are not supported by the built-in registry; use cas instead');
  }
  const declared = Number(c.req.header('Content-Length') ?? 0);
  if (declared > REGISTRY_MAX_VALUE_BYTES) throw new RegistryValueTooLargeError(key, declared, REGISTRY_MAX_VALUE_BYTES);
  const cas = uintParam(c, 'cas');
  const flags = uintParam(c, 'flags');
  const body = Buffer.from(await c.req.arrayBuffer());
  if (body.length > REGISTRY_MAX_VALUE_BYTES) throw new RegistryValueTooLargeError(key, body.length, REGISTRY_MAX_VALUE_BYTES);
  return c.json(engine.kv.put(key, body, { cas, flags }));
}

function del(c: Context, engine: Engine): Response {
  const key = keyOf(c);
  const recurse = hasFlag(c, 'recurse');
  if (recurse && hasFlag(c, 'cas')) throw new ConsulHttpError(400, `Conflicting flags: ${new URL(c.req.url).search.slice(1)}`);
  if (!recurse && key === '') throw missingKey();
  return c.json(engine.kv.delete(key, { recurse, cas: uintParam(c, 'cas') }));
}

/** `GET/PUT/DELETE /v1/kv/<key>` with Consul's `recurse`, `keys`, `separator`, `raw`, `cas`, `flags`, `index`, `wait`. */
export function registerKvRoutes(app: RegistryApp, engine: Engine): void {
  app.get(`${PREFIX}*`, (c) => get(c, engine));
  app.put(`${PREFIX}*`, (c) => put(c, engine));
  app.delete(`${PREFIX}*`, (c) => del(c, engine));
}
