import { DependencyUnavailableError } from '@envmgr/domain';
import type {
  CatalogNode,
  CatalogServiceEntry,
  CatalogServiceSummary,
  CheckDefinition,
  CheckRegistration,
  HealthCheck,
  CheckStatus,
  KvEntry,
  ServiceHealth,
  ServiceInstance,
  ServiceRegistration,
} from '@envmgr/ports';
import { defaultCheckName } from '@envmgr/ports';
import { formatGoDuration, parseGoDuration } from './go-duration.js';

// Parsers of Consul's JSON bodies into the port's types. Consul omits or nulls empty fields freely (`Tags: null`,
// no `Definition`), so every field has a default; a body of the wrong shape altogether is a failing registry.

type Obj = Record<string, unknown>;

function unexpected(what: string): DependencyUnavailableError {
  return new DependencyUnavailableError(`the registry answered with an unexpected ${what}; check that the registry URL points at Consul's HTTP API`, { what });
}

function obj(v: unknown, what: string): Obj {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw unexpected(what);
  return v as Obj;
}

function arr(v: unknown, what: string): unknown[] {
  if (v === null || v === undefined) return [];
  if (!Array.isArray(v)) throw unexpected(what);
  return v;
}

function str(o: Obj, field: string): string {
  const v = o[field];
  return typeof v === 'string' ? v : '';
}
function num(o: Obj, field: string): number {
  const v = o[field];
  return typeof v === 'number' ? v : 0;
}
const strings = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []);

function stringMap(v: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (typeof v !== 'object' || v === null) return out;
  for (const [k, val] of Object.entries(v)) if (typeof val === 'string') out[k] = val;
  return out;
}

const STATUSES: readonly string[] = ['passing', 'warning', 'critical'];
// Consul also knows `maintenance` as a status in some views; anything not healthy counts as critical
const status = (s: string): CheckStatus => (STATUSES.includes(s) ? (s as CheckStatus) : 'critical');

export function parseKvEntries(body: unknown): KvEntry[] {
  return arr(body, 'KV list').map((raw) => {
    const o = obj(raw, 'KV entry');
    const value = typeof o.Value === 'string' ? Buffer.from(o.Value, 'base64').toString('utf8') : '';
    return {
      key: str(o, 'Key'),
      value,
      flags: num(o, 'Flags'),
      createIndex: num(o, 'CreateIndex'),
      modifyIndex: num(o, 'ModifyIndex'),
      lockIndex: num(o, 'LockIndex'),
    };
  });
}

export function parseKeys(body: unknown): string[] {
  return strings(arr(body, 'key list'));
}

export function parseServiceSummaries(body: unknown): CatalogServiceSummary[] {
  return Object.entries(obj(body, 'service map'))
    .map(([name, tags]) => ({ name, tags: [...new Set(strings(tags))].sort() }))
    .sort((x, y) => (x.name < y.name ? -1 : x.name > y.name ? 1 : 0));
}

export function parseNodes(body: unknown): CatalogNode[] {
  return arr(body, 'node list').map((raw) => parseNode(obj(raw, 'node')));
}

function parseNode(o: Obj): CatalogNode {
  return { node: str(o, 'Node'), address: str(o, 'Address') };
}

export function parseCatalogService(body: unknown): CatalogServiceEntry[] {
  return arr(body, 'catalog service list').map((raw) => {
    const o = obj(raw, 'catalog service');
    return {
      node: parseNode(o),
      service: {
        id: str(o, 'ServiceID'),
        name: str(o, 'ServiceName'),
        tags: strings(o.ServiceTags),
        address: str(o, 'ServiceAddress'),
        port: num(o, 'ServicePort'),
        meta: stringMap(o.ServiceMeta),
      },
    };
  });
}

export function parseHealthService(body: unknown): ServiceHealth[] {
  return arr(body, 'health service list').map((raw) => {
    const o = obj(raw, 'health entry');
    return { node: parseNode(obj(o.Node, 'health entry node')), service: parseAgentService(obj(o.Service, 'health entry service')), checks: parseChecks(o.Checks) };
  });
}

function parseAgentService(o: Obj): ServiceInstance {
  return { id: str(o, 'ID'), name: str(o, 'Service'), tags: strings(o.Tags), address: str(o, 'Address'), port: num(o, 'Port'), meta: stringMap(o.Meta) };
}

export function parseChecks(body: unknown): HealthCheck[] {
  return arr(body, 'check list').map((raw) => {
    const o = obj(raw, 'check');
    return {
      node: str(o, 'Node'),
      checkId: str(o, 'CheckID'),
      name: str(o, 'Name'),
      status: status(str(o, 'Status')),
      output: str(o, 'Output'),
      notes: str(o, 'Notes'),
      serviceId: str(o, 'ServiceID'),
      serviceName: str(o, 'ServiceName'),
      type: str(o, 'Type'),
      definition: parseDefinition(o.Definition),
    };
  });
}

function parseDefinition(v: unknown): CheckDefinition {
  if (typeof v !== 'object' || v === null) return {};
  const o = v as Obj;
  const def: CheckDefinition = {};
  if (str(o, 'HTTP')) def.url = str(o, 'HTTP');
  const args = strings(o.ScriptArgs);
  if (args.length > 0) def.args = args;
  const interval = durationField(o.Interval ?? o.IntervalDuration);
  if (interval) def.intervalMs = interval;
  const timeout = durationField(o.Timeout ?? o.TimeoutDuration);
  if (timeout) def.timeoutMs = timeout;
  if (o.TLSSkipVerify === true) def.tlsSkipVerify = true;
  return def;
}

function durationField(v: unknown): number | undefined {
  if (typeof v === 'string') return parseGoDuration(v) || undefined;
  // Consul's `...Duration` fields are nanoseconds
  if (typeof v === 'number' && v > 0) return v / 1e6;
  return undefined;
}

/** The body of `PUT /v1/agent/service/register`. */
export function toConsulRegistration(reg: ServiceRegistration): Obj {
  return {
    ID: reg.id,
    Name: reg.name,
    Tags: reg.tags ?? [],
    Address: reg.address ?? '',
    Port: reg.port ?? 0,
    Meta: reg.meta ?? {},
    Checks: (reg.checks ?? []).map((c) => toConsulCheck(c, reg.name)),
  };
}

function toConsulCheck(c: CheckRegistration, serviceName: string): Obj {
  const base: Obj = { Name: c.name || defaultCheckName(serviceName), Notes: c.notes ?? '', Status: c.status ?? 'critical' };
  if (c.id) base.CheckID = c.id;
  if (c.type === 'ttl') return { ...base, TTL: formatGoDuration(c.ttlMs) };
  const timing: Obj = { Interval: formatGoDuration(c.intervalMs), ...(c.timeoutMs ? { Timeout: formatGoDuration(c.timeoutMs) } : {}) };
  if (c.type === 'http') return { ...base, ...timing, HTTP: c.url, TLSSkipVerify: c.tlsSkipVerify ?? false };
  return { ...base, ...timing, Args: c.args };
}
