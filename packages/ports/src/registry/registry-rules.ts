/**
 * Rules of the Registry port that every adapter applies the same way: key syntax, the value limit, blocking waits
 * and the client-side index rules of Consul's blocking queries. Pure functions, no I/O.
 */
import { RegistryValueTooLargeError, ValidationError, type FieldProblem } from '@envmgr/domain';
import type { ServiceRegistration } from './registry.js';

/** Consul's limit on a KV value (`kv_max_value_size`, 512 KiB). Larger values fail with `RegistryValueTooLargeError`. */
export const REGISTRY_MAX_VALUE_BYTES = 512 * 1024;

/** Consul's default wait of a blocking read (5 minutes). */
export const REGISTRY_DEFAULT_WAIT_MS = 5 * 60_000;

/** Consul's cap on the wait of a blocking read (10 minutes). */
export const REGISTRY_MAX_WAIT_MS = 10 * 60_000;

const SAFE_KEY = /^[A-Za-z0-9,\-_./]*$/;

// Newer Consul releases refuse keys ending like a file a proxy might cache; refusing them everywhere keeps keys
// portable across Consul versions.
const CACHEABLE_EXTENSIONS = [
  '.js', '.css', '.html', '.htm', '.xml', '.json', '.txt', '.log', '.php', '.asp', '.jsp', '.cgi', '.pl', '.py',
  '.rb', '.sh', '.exe', '.dll', '.bat', '.cmd', '.com', '.scr', '.vbs', '.pdf', '.doc', '.docx', '.xls', '.xlsx',
  '.ppt', '.pptx', '.zip', '.rar', '.tar', '.gz', '.7z', '.bz2', '.jpg', '.jpeg', '.png', '.gif', '.svg', '.ico',
  '.bmp', '.mp3', '.mp4', '.avi', '.mov', '.wmv', '.flv', '.swf', '.woff', '.woff2', '.ttf', '.eot', '.otf',
];

/**
 * Why `key` is not a valid registry key, or undefined when it is. A key (and a non-empty prefix) uses only
 * `A-Z a-z 0-9 , - _ . /`, does not begin with `/`, contains no `../` and does not end in a file extension such as
 * `.json`: the intersection of what every Consul version accepts. An empty string is a valid prefix only
 * (`allowEmpty`), never a key.
 */
export function registryKeyProblem(key: string, opts: { allowEmpty?: boolean } = {}): string | undefined {
  if (key === '') return opts.allowEmpty ? undefined : 'the key is empty; give a key such as environments/dev/roles';
  if (key.startsWith('/')) return `key must not begin with a '/': got '${key}'; drop the leading slash`;
  if (!SAFE_KEY.test(key)) {
    return `key '${key}' contains characters other than letters, digits and , - _ . /; use only those`;
  }
  if (key.includes('../')) return `key '${key}' contains a path traversal sequence '../'`;
  const lower = key.toLowerCase();
  const ext = CACHEABLE_EXTENSIONS.find((e) => lower.endsWith(e));
  if (ext) return `key '${key}' ends with '${ext}', which Consul refuses as cacheable; drop or change the extension`;
  return undefined;
}

/** The UTF-8 size of a value, as the registry counts it against `REGISTRY_MAX_VALUE_BYTES`. */
export function utf8Length(value: string): number {
  return new TextEncoder().encode(value).byteLength;
}

/** The wait a blocking read uses: `waitMs` if given (at least 0), else 5 minutes; never above 10 minutes. */
export function effectiveWaitMs(waitMs: number | undefined): number {
  if (waitMs === undefined || !Number.isFinite(waitMs)) return REGISTRY_DEFAULT_WAIT_MS;
  return Math.min(Math.max(0, waitMs), REGISTRY_MAX_WAIT_MS);
}

/**
 * The index to block on next, from the one just used and the one just returned (Consul's rules for blocking
 * clients): an index that went backwards (a restored snapshot, a reset registry) restarts the loop from 0, which
 * reads at once; otherwise the returned index, but at least 1, since blocking on 0 would not block at all.
 */
export function nextBlockingIndex(previous: number, returned: number): number {
  if (returned < previous) return 0;
  return Math.max(1, returned);
}

/** The id a check gets when its registration gives none (Consul's rule): `service:<id>`, or `service:<id>:<n>`. */
export function defaultCheckId(serviceId: string, position: number, count: number): string {
  return count > 1 ? `service:${serviceId}:${position + 1}` : `service:${serviceId}`;
}

/** The name a check gets when its registration gives none (Consul's rule). */
export function defaultCheckName(serviceName: string): string {
  return `Service '${serviceName}' check`;
}

const isPositiveMs = (ms: number | undefined): boolean => ms !== undefined && Number.isFinite(ms) && ms > 0;

/** Every problem of a service registration, for a `ValidationError`; [] when it is valid. */
export function registrationProblems(reg: ServiceRegistration): FieldProblem[] {
  const problems: FieldProblem[] = [];
  if (!reg.id) problems.push({ path: 'id', message: 'the service id is empty; give an id unique on the node' });
  if (!reg.name) problems.push({ path: 'name', message: 'the service name is empty; give the catalog name' });
  const port = reg.port ?? 0;
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    problems.push({ path: 'port', message: `port must be an integer from 0 to 65535; got ${port}` });
  }
  const checks = reg.checks ?? [];
  const seen = new Set<string>();
  checks.forEach((check, i) => {
    const id = check.id || defaultCheckId(reg.id, i, checks.length);
    if (seen.has(id)) problems.push({ path: `checks.${i}.id`, message: `check id '${id}' is used twice; give each check its own id` });
    seen.add(id);
    if (check.type === 'ttl' && !isPositiveMs(check.ttlMs)) {
      problems.push({ path: `checks.${i}.ttlMs`, message: `a TTL check needs a positive ttlMs; got ${check.ttlMs}` });
    }
    if (check.type !== 'ttl' && !isPositiveMs(check.intervalMs)) {
      problems.push({ path: `checks.${i}.intervalMs`, message: `an ${check.type} check needs a positive intervalMs; got ${check.intervalMs}` });
    }
    if (check.type === 'http' && !check.url) problems.push({ path: `checks.${i}.url`, message: 'an http check needs a url' });
    if (check.type === 'script' && check.args.length === 0) {
      problems.push({ path: `checks.${i}.args`, message: 'a script check needs its command in args' });
    }
  });
  return problems;
}

/** Throws `ValidationError` (path `key`) when `registryKeyProblem` finds a problem. */
export function assertRegistryKey(key: string, opts: { allowEmpty?: boolean } = {}): void {
  const problem = registryKeyProblem(key, opts);
  if (problem) throw new ValidationError([{ path: 'key', message: problem }]);
}

/** Throws `RegistryValueTooLargeError` when `value` is above `REGISTRY_MAX_VALUE_BYTES` in UTF-8. */
export function assertRegistryValueSize(key: string, value: string): void {
  // a UTF-16 code unit is at most 3 UTF-8 bytes, so short strings need no encoding
  if (value.length * 3 <= REGISTRY_MAX_VALUE_BYTES) return;
  const size = utf8Length(value);
  if (size > REGISTRY_MAX_VALUE_BYTES) throw new RegistryValueTooLargeError(key, size, REGISTRY_MAX_VALUE_BYTES);
}

/** Throws `ValidationError` listing every problem of a service registration. */
export function assertRegistration(reg: ServiceRegistration): void {
  const problems = registrationProblems(reg);
  if (problems.length > 0) throw new ValidationError(problems);
}
