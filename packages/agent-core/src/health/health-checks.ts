/**
 * Health checks of a package (SPEC §6 "Health checks"): `consul_healthchecks:` in `healthchecks/consul/healthchecks.yml`
 * or in the appspec, each `id → {type: script|http, name, interval, script|url, script_arguments?, tls_skip_verify?}`.
 * The agent runs them itself and reports each as a TTL check with Consul id `<serviceId>:<checkId>`. Pure.
 */
import { parse } from 'yaml';
import { isObject, type Problem, type Slice } from '../target-state/target-state.js';
import { parseDurationMs } from './duration.js';

/** Where a package keeps its health checks when its appspec has none. */
export const HEALTH_CHECKS_FILE = 'healthchecks/consul/healthchecks.yml';

export interface HealthCheckDefinition {
  /** The id in the file; the registered check is `<serviceId>:<id>`. */
  id: string;
  type: 'http' | 'script';
  name: string;
  intervalMs: number;
  /** http: may contain `${PORT}`. */
  url?: string;
  /** script: a path in the package (relative to the unpacked archive) or an absolute command. */
  script?: string;
  /** script: arguments; may contain `${PORT}`. */
  scriptArguments: string[];
  /** http: accept any TLS certificate. */
  tlsSkipVerify: boolean;
  /** How long one run may take. @default min(interval, 10 s) */
  timeoutMs?: number;
}

/** A check ready to run for one installed service. */
export interface ResolvedHealthCheck {
  /** Consul's id: `<serviceId>:<id>`. */
  checkId: string;
  name: string;
  type: 'http' | 'script';
  intervalMs: number;
  timeoutMs: number;
  /** How long the TTL check stays valid without a report: three intervals plus 10 s, so one slow run or an agent restart does not flap it. */
  ttlMs: number;
  url?: string;
  script?: string;
  args: string[];
  tlsSkipVerify: boolean;
}

const CHECK_ID = /^[A-Za-z0-9_.-]+$/;
const MAX_TIMEOUT_MS = 10_000;

function stringList(v: unknown): string[] | undefined {
  if (v === undefined || v === null) return [];
  if (typeof v === 'string') return v.split(/\s+/).filter((s) => s !== '');
  if (Array.isArray(v) && v.every((x) => typeof x === 'string' || typeof x === 'number')) return v.map(String);
  return undefined;
}

function parseOne(id: string, raw: unknown, path: string, problems: Problem[]): HealthCheckDefinition | undefined {
  const at = (field: string, message: string) => problems.push({ path: `${path}.${field}`, message });
  const before = problems.length;
  if (!CHECK_ID.test(id)) problems.push({ path, message: `check id '${id}' may use only letters, digits, _ . -` });
  if (!isObject(raw)) {
    problems.push({ path, message: 'must be a mapping with type, name, interval and url or script' });
    return undefined;
  }
  const type = raw.type === 'http' || raw.type === 'script' ? raw.type : undefined;
  if (!type) at('type', `must be http or script; got ${JSON.stringify(raw.type)}`);
  const intervalMs = parseDurationMs(raw.interval);
  if (intervalMs === undefined) at('interval', `must be a duration such as 10s or 1m; got ${JSON.stringify(raw.interval)}`);
  if (raw.name !== undefined && typeof raw.name !== 'string') at('name', 'must be text');
  const timeoutMs = raw.timeout === undefined ? undefined : parseDurationMs(raw.timeout);
  if (raw.timeout !== undefined && timeoutMs === undefined) at('timeout', `must be a duration such as 5s; got ${JSON.stringify(raw.timeout)}`);
  if (type === 'http' && (typeof raw.url !== 'string' || !/^https?:\/\//.test(raw.url))) at('url', `an http check needs an http(s) url; got ${JSON.stringify(raw.url)}`);
  if (type === 'script' && (typeof raw.script !== 'string' || raw.script.trim() === '')) at('script', 'a script check needs the script to run');
  const args = stringList(raw.script_arguments);
  if (!args) at('script_arguments', 'must be text or a list of texts');
  if (problems.length > before || !type || intervalMs === undefined || !args) return undefined;
  const def: HealthCheckDefinition = {
    id,
    type,
    name: typeof raw.name === 'string' && raw.name !== '' ? raw.name : id,
    intervalMs,
    scriptArguments: args,
    tlsSkipVerify: raw.tls_skip_verify === true || raw.tls_skip_verify === 'true',
  };
  if (type === 'http') def.url = raw.url as string;
  if (type === 'script') def.script = (raw.script as string).trim();
  if (timeoutMs !== undefined) def.timeoutMs = timeoutMs;
  return def;
}

/** The checks of a `consul_healthchecks` mapping (`path` locates problems); every problem is listed. */
export function parseHealthCheckMap(value: unknown, path: string): { checks: HealthCheckDefinition[]; problems: Problem[] } {
  if (value === undefined || value === null) return { checks: [], problems: [] };
  if (!isObject(value)) return { checks: [], problems: [{ path, message: 'must be a mapping of check id to check' }] };
  const problems: Problem[] = [];
  const checks: HealthCheckDefinition[] = [];
  for (const [id, raw] of Object.entries(value)) {
    const check = parseOne(id, raw, `${path}.${id}`, problems);
    if (check) checks.push(check);
  }
  return { checks, problems };
}

/** The checks of a `healthchecks/consul/healthchecks.yml` file. */
export function parseHealthChecksFile(text: string): { checks: HealthCheckDefinition[]; problems: Problem[] } {
  let doc: unknown;
  try {
    doc = parse(text) as unknown;
  } catch (err) {
    return { checks: [], problems: [{ path: HEALTH_CHECKS_FILE, message: `is not valid YAML: ${err instanceof Error ? err.message : String(err)}` }] };
  }
  if (doc === null || doc === undefined) return { checks: [], problems: [] };
  if (!isObject(doc)) return { checks: [], problems: [{ path: HEALTH_CHECKS_FILE, message: 'must be a mapping with consul_healthchecks:' }] };
  return parseHealthCheckMap(doc.consul_healthchecks, `${HEALTH_CHECKS_FILE}:consul_healthchecks`);
}

const substitute = (text: string, port: number): string => text.replaceAll('${PORT}', String(port));

/** The checks of one installed service, with `${PORT}` replaced by its port and Consul ids `<serviceId>:<id>`. */
export function resolveHealthChecks(
  defs: readonly HealthCheckDefinition[],
  service: { serviceId: string; port: number; slice: Slice },
): ResolvedHealthCheck[] {
  return defs.map((d) => {
    const check: ResolvedHealthCheck = {
      checkId: `${service.serviceId}:${d.id}`,
      name: d.name,
      type: d.type,
      intervalMs: d.intervalMs,
      timeoutMs: Math.min(d.timeoutMs ?? d.intervalMs, MAX_TIMEOUT_MS),
      ttlMs: 3 * d.intervalMs + 10_000,
      args: d.scriptArguments.map((a) => substitute(a, service.port)),
      tlsSkipVerify: d.tlsSkipVerify,
    };
    if (d.url !== undefined) check.url = substitute(d.url, service.port);
    if (d.script !== undefined) check.script = substitute(d.script, service.port);
    return check;
  });
}

/** Consul's health states, as the agent reports them to TTL checks. */
export type CheckStatusName = 'passing' | 'warning' | 'critical';

/** Consul's reading of a script check's exit code: 0 passing, 1 warning, anything else critical. */
export function scriptCheckStatus(exitCode: number | null): CheckStatusName {
  return exitCode === 0 ? 'passing' : exitCode === 1 ? 'warning' : 'critical';
}

/** Consul's reading of an HTTP check's status code: 2xx passing, 429 warning, anything else critical. */
export function httpCheckStatus(statusCode: number): CheckStatusName {
  return statusCode >= 200 && statusCode < 300 ? 'passing' : statusCode === 429 ? 'warning' : 'critical';
}
