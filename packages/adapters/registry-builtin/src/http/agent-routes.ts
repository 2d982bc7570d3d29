import { NotFoundError } from '@envmgr/domain';
import type { CheckRegistration, CheckStatus, Registry, ServiceRegistration } from '@envmgr/ports';
import type { Context } from 'hono';
import type { NodeIdentity } from '../engine/agent-writes.js';
import { parseGoDuration } from './go-duration.js';
import { ConsulHttpError, nodeOf, type RegistryApp } from './http-support.js';

type Obj = Record<string, unknown>;

const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
/** A field by Consul's name or its snake_case / lower-case alias, as Consul's decoder accepts both. */
const field = (o: Obj, ...names: string[]): unknown => names.map((n) => o[n]).find((v) => v !== undefined);
const text = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
const strings = (v: unknown): string[] | undefined => (Array.isArray(v) ? (v as unknown[]).map(show) : undefined);
const stringMap = (v: unknown): Record<string, string> => (isObj(v) ? Object.fromEntries(Object.entries(v).map(([k, x]) => [k, show(x)])) : {});
const STATUSES: readonly string[] = ['passing', 'warning', 'critical'];

const show = (v: unknown): string => (typeof v === 'string' ? v : JSON.stringify(v));

function duration(v: unknown, name: string): number | undefined {
  if (v === undefined || v === '') return undefined;
  // a number is nanoseconds, as Go's time.Duration decodes it
  const ms = typeof v === 'number' ? v / 1e6 : typeof v === 'string' ? parseGoDuration(v) : undefined;
  if (ms === undefined) throw new ConsulHttpError(400, `Request decode failed: invalid duration for ${name}: ${show(v)}`);
  return ms;
}

/** A check of a registration body (Consul's `Check`/`Checks` entries). */
function parseCheck(raw: unknown): CheckRegistration {
  if (!isObj(raw)) throw new ConsulHttpError(400, 'Request decode failed: a check is not an object');
  const status = text(field(raw, 'Status', 'status'));
  if (status && !STATUSES.includes(status)) throw new ConsulHttpError(400, "Status for checks must 'passing', 'warning', 'critical'");
  const base = {
    id: text(field(raw, 'CheckID', 'ID', 'check_id', 'id')),
    name: text(field(raw, 'Name', 'name')),
    notes: text(field(raw, 'Notes', 'notes')),
    status: status as CheckStatus | undefined,
  };
  const ttlMs = duration(field(raw, 'TTL', 'ttl'), 'TTL');
  const intervalMs = duration(field(raw, 'Interval', 'interval'), 'Interval') ?? 0;
  const timeoutMs = duration(field(raw, 'Timeout', 'timeout'), 'Timeout');
  const url = text(field(raw, 'HTTP', 'http'));
  const args = strings(field(raw, 'Args', 'ScriptArgs', 'args', 'script_args'));
  if (ttlMs) return { ...base, type: 'ttl', ttlMs };
  if (url && intervalMs) return { ...base, type: 'http', url, intervalMs, timeoutMs, tlsSkipVerify: field(raw, 'TLSSkipVerify', 'tls_skip_verify') === true };
  if (args && intervalMs) return { ...base, type: 'script', args, intervalMs, timeoutMs };
  throw new ConsulHttpError(400, 'Must provide TTL or Script/HTTP and Interval (the built-in registry stores TTL, HTTP and script checks)');
}

/** The body of `PUT /v1/agent/service/register`; the id defaults to the name, as in Consul. */
function parseRegistration(body: unknown): ServiceRegistration {
  if (!isObj(body)) throw new ConsulHttpError(400, 'Request decode failed: the body is not a JSON object');
  const name = text(field(body, 'Name', 'name')) ?? '';
  if (!name) throw new ConsulHttpError(400, 'Missing service name');
  const single = field(body, 'Check', 'check');
  const many = field(body, 'Checks', 'checks');
  const checks = [...(isObj(single) ? [single] : []), ...(Array.isArray(many) ? (many as unknown[]) : [])].map(parseCheck);
  const port = field(body, 'Port', 'port') ?? 0;
  return {
    id: text(field(body, 'ID', 'id')) || name,
    name,
    tags: strings(field(body, 'Tags', 'tags')) ?? [],
    address: text(field(body, 'Address', 'address')) ?? '',
    port: typeof port === 'number' ? port : Number.NaN,
    meta: stringMap(field(body, 'Meta', 'meta')),
    checks,
  };
}

async function jsonBody(c: Context): Promise<unknown> {
  try {
    return (await c.req.json()) as unknown;
  } catch {
    throw new ConsulHttpError(400, 'Request decode failed: the body is not JSON');
  }
}

/** `PUT /v1/agent/check/{pass,warn,fail}/<id>?note=`: a TTL report. */
function reportRoute(app: RegistryApp, verb: 'pass' | 'warn' | 'fail', registryFor: (c: Context) => Registry): void {
  app.put(`/v1/agent/check/${verb}/:id`, async (c) => {
    const registry = registryFor(c);
    const id = c.req.param('id');
    const note = c.req.query('note');
    await (verb === 'pass' ? registry.passCheck(id, note) : verb === 'warn' ? registry.warnCheck(id, note) : registry.failCheck(id, note));
    return c.body(null, 200);
  });
}

/**
 * Consul's agent endpoints for the node the request names (`nodeOf`): service register/deregister, TTL reports
 * (`pass`, `warn`, `fail`, `update`) and service maintenance.
 */
export function registerAgentRoutes(app: RegistryApp, asNode: (node: NodeIdentity) => Registry, own: NodeIdentity, peer: (c: Context) => string | undefined): void {
  const registryFor = (c: Context): Registry => asNode(nodeOf(c, own, peer(c)));

  app.put('/v1/agent/service/register', async (c) => {
    const reg = parseRegistration(await jsonBody(c));
    await registryFor(c).registerService(reg);
    return c.body(null, 200);
  });
  app.put('/v1/agent/service/deregister/:id', async (c) => {
    const id = c.req.param('id');
    if (!(await registryFor(c).deregisterService(id))) {
      throw new NotFoundError('service', id, { reason: `Unknown service ID "${id}". Ensure that the service ID is passed, not the service name.` });
    }
    return c.body(null, 200);
  });
  for (const verb of ['pass', 'warn', 'fail'] as const) reportRoute(app, verb, registryFor);
  app.put('/v1/agent/check/update/:id', async (c) => {
    const body = await jsonBody(c);
    const status = isObj(body) ? text(body.Status) : undefined;
    const output = isObj(body) ? (text(body.Output) ?? '') : '';
    const registry = registryFor(c);
    const id = c.req.param('id');
    if (status === 'passing') await registry.passCheck(id, output);
    else if (status === 'warning') await registry.warnCheck(id, output);
    else if (status === 'critical') await registry.failCheck(id, output);
    else throw new ConsulHttpError(400, `Invalid check status: '${status ?? ''}'`);
    return c.body(null, 200);
  });
  app.put('/v1/agent/service/maintenance/:id', async (c) => {
    const raw = c.req.query('enable');
    if (raw === undefined) throw new ConsulHttpError(400, 'Missing value for enable');
    const enable = ['1', 't', 'true', 'T', 'TRUE', 'True'].includes(raw) ? true : ['0', 'f', 'false', 'F', 'FALSE', 'False'].includes(raw) ? false : undefined;
    if (enable === undefined) throw new ConsulHttpError(400, `Invalid value for enable: "${raw}"`);
    await registryFor(c).setServiceMaintenance(c.req.param('id'), enable, c.req.query('reason'));
    return c.body(null, 200);
  });
}
