/**
 * nginx configuration of a load-balancer group (SPEC §7: what Upstreamr wrote to `/etc/nginx/upstreamr.d`): one
 * `upstream` block per upstream and one `server` block per LB setting, for the `http` block of an nginx. Pure and
 * deterministic: the same items give the same bytes, whatever order they were read in, so an unchanged configuration
 * needs no reload. Every value is checked before anything is rendered; one bad value fails the whole rendering,
 * with each problem's item and field path, so a half-rendered group is never served.
 */
import { isJsonObject, stringAt, valueAt, type Json, type JsonObject } from '../json.js';
import { checkArguments, checkBalancedBlock, checkQuotable, checkToken, type SyntaxCheck } from './nginx-syntax.js';
import { isRegistryName } from './upstreams.js';

export interface NginxSource {
  /** The load-balancer group (an environment type), named in the file's header. */
  group: string;
  /** LB setting documents as the API returns them: `{EnvironmentName, VHostName, Value}`. */
  lbSettings: readonly JsonObject[];
  /** Upstream documents as the API returns them: `{key, Value: {EnvironmentName, UpstreamName, Hosts, …}}`. */
  upstreams: readonly JsonObject[];
}

export interface NginxRenderOptions {
  /**
   * Appended to a host's registry (Consul) name, which has no dot: `c50-Search-blue` is written as
   * `c50-Search-blue.service.consul` with `service.consul`, so nginx resolves it through Consul's DNS. An empty
   * string writes registry names as they are. Dotted names are always written as they are.
   */
  registryDomain: string;
  /**
   * The passing instances of each registry name (`address:port`), when the caller read them from the registry
   * itself (`envmgr edge --registry`): a host with a registry name is then written as one `server` line per
   * instance (each with the host's weight and state), instead of one DNS name. Undefined for a name: no instance
   * passes, and the host is written as a `down` placeholder so that the upstream block stays valid.
   */
  instances?: (registryName: string) => readonly { address: string; port: number }[] | undefined;
}

/** A value nginx could not take, or that would change the file's structure. */
export interface NginxProblem {
  /** The item: `lb-settings c50/search` or `upstreams /c50_c50-search/config`. */
  item: string;
  /** The field path inside the item, e.g. `Value.Locations.0.ProxyPass`. */
  path: string;
  message: string;
}

export type NginxRender =
  | {
      ok: true;
      text: string;
      /** Fields that were present but have no nginx directive here (see docs/traffic.md); the rendering still holds. */
      ignored: NginxProblem[];
    }
  | { ok: false; problems: NginxProblem[] };

/** Renders the group's configuration, or every problem found; never a partial rendering. */
export function renderNginxConfig(src: NginxSource, opts: NginxRenderOptions): NginxRender {
  const r = createRenderer();
  const upstreams = sortedBy(src.upstreams, (u) => `${lower(stringAt(u, 'Value.EnvironmentName'))}\u0000${lower(stringAt(u, 'Value.UpstreamName'))}`);
  const names = checkUpstreamNames(r, upstreams);
  const lbSettings = sortedBy(src.lbSettings, (s) => `${lower(stringAt(s, 'EnvironmentName'))}\u0000${lower(stringAt(s, 'VHostName'))}`);
  const blocks = [
    ...upstreams.map((u) => renderUpstream(r, u, opts)),
    ...lbSettings.map((s) => renderServer(r, s, { group: src.group, upstreams: names })),
  ];
  checkServerClashes(r, lbSettings);
  if (r.problems.length > 0) return { ok: false, problems: r.problems };
  const header = [
    `# Rendered by envmgr edge for load-balancer group ${oneLine(src.group)}: ${upstreams.length} upstream(s), ${lbSettings.length} virtual host(s).`,
    '# Do not edit: envmgr edge replaces this file whenever the configuration changes.',
  ];
  return { ok: true, text: `${[header.join('\n'), ...blocks].join('\n\n')}\n`, ignored: r.ignored };
}

// ---- checking values ----------------------------------------------------------------------------------------------

interface Renderer {
  problems: NginxProblem[];
  ignored: NginxProblem[];
  item: string;
  /** The value at `path` as one argument (or arguments, with `checkArguments`), recording a problem when it cannot be. */
  arg(path: string, value: string, check?: (v: string) => SyntaxCheck): string;
  problem(path: string, message: string): void;
}

function createRenderer(): Renderer {
  const r: Renderer = {
    problems: [],
    ignored: [],
    item: '',
    arg(path, value, check = checkToken) {
      const bad = check(value);
      if (bad !== undefined) r.problem(path, bad);
      return value.trim();
    },
    problem(path, message) {
      r.problems.push({ item: r.item, path, message });
    },
  };
  return r;
}

const lower = (s: string | undefined) => (s ?? '').toLowerCase();
const itemKey = (u: JsonObject, name: string) => (typeof u.key === 'string' ? u.key : name);
const oneLine = (s: string) => s.replace(/[\r\n]+/g, ' ');
const strings = (v: Json | undefined): { value: string; i: number }[] =>
  (Array.isArray(v) ? v : []).flatMap((x, i) => (typeof x === 'string' ? [{ value: x, i }] : []));
const objects = (v: Json | undefined): { value: JsonObject; i: number }[] =>
  (Array.isArray(v) ? v : []).flatMap((x, i) => (isJsonObject(x) ? [{ value: x, i }] : []));

function sortedBy<T>(items: readonly T[], key: (t: T) => string): T[] {
  return items.map((t, i) => ({ t, i, k: key(t) })).sort((a, b) => (a.k < b.k ? -1 : a.k > b.k ? 1 : a.i - b.i)).map((x) => x.t);
}

/** nginx compares upstream names ignoring case; two with one name would be a duplicate `upstream` block. */
function checkUpstreamNames(r: Renderer, upstreams: readonly JsonObject[]): Set<string> {
  const seen = new Map<string, string>();
  for (const u of upstreams) {
    const name = stringAt(u, 'Value.UpstreamName') ?? '';
    const key = itemKey(u, name);
    const other = seen.get(lower(name));
    r.item = `upstreams ${key}`;
    if (other !== undefined) r.problem('Value.UpstreamName', `'${name}' is also the name of ${other}; nginx compares upstream names ignoring case`);
    else seen.set(lower(name), `upstreams ${key}`);
  }
  return new Set(seen.keys());
}

// ---- upstream blocks ------------------------------------------------------------------------------------------------

const METHODS: Record<string, string | undefined> = {
  roundrobin: undefined,
  leastconn: 'least_conn;',
  leastconnections: 'least_conn;',
  iphash: 'ip_hash;',
  random: 'random;',
};

function renderUpstream(r: Renderer, u: JsonObject, opts: NginxRenderOptions): string {
  const name = stringAt(u, 'Value.UpstreamName') ?? '';
  r.item = `upstreams ${itemKey(u, name)}`;
  const lines = [`upstream ${r.arg('Value.UpstreamName', name)} {`];
  const zone = valueAt(u, 'Value.ZoneSize');
  if (typeof zone === 'string') lines.push(`    zone ${name} ${r.arg('Value.ZoneSize', zone)};`);
  const method = stringAt(u, 'Value.LoadBalancingMethod');
  if (method !== undefined) {
    const key = method.toLowerCase().replace(/[_\s-]/g, '');
    if (!(key in METHODS)) r.problem('Value.LoadBalancingMethod', `'${method}' is not a method nginx has here; use round_robin, least_conn, ip_hash or random`);
    const directive = METHODS[key];
    if (directive) lines.push(`    ${directive}`);
  }
  const hosts = objects(valueAt(u, 'Value.Hosts'));
  if (hosts.length === 0) r.problem('Value.Hosts', 'lists no host; nginx refuses an empty upstream');
  for (const { value: h, i } of hosts) for (const line of serverLines(r, h, `Value.Hosts.${i}`, opts)) lines.push(`    ${line}`);
  const keepalive = valueAt(u, 'Value.UpStreamKeepalives');
  if (typeof keepalive === 'number' && keepalive > 0) lines.push(`    keepalive ${Math.floor(keepalive)};`);
  for (const field of ['PersistenceMethod', 'SlowStart']) {
    if (valueAt(u, `Value.${field}`) !== undefined) r.ignored.push({ item: r.item, path: `Value.${field}`, message: 'needs NGINX Plus; not rendered' });
  }
  lines.push('}');
  return lines.join('\n');
}

/**
 * `server <host>:<port> [weight=] [max_fails=] [fail_timeout=] [down];` — a down host stays, marked `down`. With
 * `opts.instances`, a registry host is one such line per passing instance (a `down` placeholder when none passes).
 */
function serverLines(r: Renderer, h: JsonObject, path: string, opts: NginxRenderOptions): string[] {
  const dnsName = typeof h.DnsName === 'string' ? h.DnsName : '';
  if (typeof h.Port !== 'number' || !Number.isInteger(h.Port) || h.Port < 1 || h.Port > 65535) r.problem(`${path}.Port`, `must be a port 1-65535, got ${JSON.stringify(h.Port ?? null)}`);
  r.arg(`${path}.DnsName`, dnsName);
  const params: string[] = [];
  if (typeof h.Weight === 'number' && h.Weight !== 1) params.push(`weight=${h.Weight}`);
  if (typeof h.MaxFails === 'number') params.push(`max_fails=${h.MaxFails}`);
  if (typeof h.FailTimeout === 'string') params.push(`fail_timeout=${r.arg(`${path}.FailTimeout`, h.FailTimeout)}`);
  const down = h.State === 'down' ? ['down'] : [];
  if (isRegistryName(dnsName) && opts.instances) {
    const found = [...(opts.instances(dnsName) ?? [])].sort((a, b) => a.address.localeCompare(b.address) || a.port - b.port);
    // nginx refuses an upstream without servers: a host without a passing instance keeps a place, marked down
    if (found.length === 0) return [`server 127.0.0.1:${JSON.stringify(h.Port ?? null)} down; # ${dnsName}: no passing instance`];
    return found.map((e) => `server ${r.arg(`${path}.DnsName`, `${e.address}:${e.port}`)}${[...params, ...down].map((p) => ` ${p}`).join('')}; # ${dnsName}`);
  }
  const address = isRegistryName(dnsName) && opts.registryDomain !== '' ? `${dnsName}.${opts.registryDomain}` : dnsName;
  return [`server ${[`${address}:${JSON.stringify(h.Port ?? null)}`, ...params, ...down].join(' ')};`];
}

// ---- server blocks --------------------------------------------------------------------------------------------------

interface ServerContext {
  group: string;
  /** Lower-cased names of the group's upstreams. */
  upstreams: ReadonlySet<string>;
}

function renderServer(r: Renderer, s: JsonObject, ctx: ServerContext): string {
  const env = stringAt(s, 'EnvironmentName') ?? '';
  const vhost = stringAt(s, 'VHostName') ?? '';
  r.item = `lb-settings ${env}/${vhost}`;
  const v = isJsonObject(s.Value) ? s.Value : {};
  const lines = [`# ${oneLine(env)}/${oneLine(vhost)}`, 'server {'];
  const body = [
    ...listenLines(r, v),
    ...namesLine(r, v),
    ...optional(r, v, 'SSLCertificate', 'ssl_certificate'),
    ...optional(r, v, 'SSLKey', 'ssl_certificate_key'),
    ...commonLines(r, v, 'Value'),
    ...(v.SiteInMaintenance === true ? ['return 503;'] : []),
  ];
  ignore(r, v, 'Value', ['FrontEnd', 'CustomErrorCodes']);
  const locations = objects(v.Locations)
    .sort((a, b) => priority(a.value) - priority(b.value) || a.i - b.i)
    .map(({ value, i }) => renderLocation(r, value, `Value.Locations.${i}`, ctx));
  lines.push(...body.map((l) => `    ${l}`), ...locations.flatMap((l) => ['', ...l.map((x) => `    ${x}`)]), '}');
  return lines.join('\n');
}

function priority(l: JsonObject): number {
  return typeof l.Priority === 'number' ? l.Priority : 0;
}

function listenLines(r: Renderer, v: JsonObject): string[] {
  const listens = objects(v.Listen);
  if (listens.length === 0) return ['listen 80;'];
  return listens.map(({ value: l, i }) => {
    const ip = typeof l.IP === 'string' ? `${r.arg(`Value.Listen.${i}.IP`, l.IP)}:` : '';
    if (typeof l.Port !== 'number' || !Number.isInteger(l.Port)) r.problem(`Value.Listen.${i}.Port`, 'must be a port 1-65535');
    return `listen ${ip}${JSON.stringify(l.Port ?? null)}${l.SSL === true ? ' ssl' : ''};`;
  });
}

function namesLine(r: Renderer, v: JsonObject): string[] {
  const names = strings(v.ServerName).map(({ value, i }) => r.arg(`Value.ServerName.${i}`, value));
  return names.length > 0 ? [`server_name ${names.join(' ')};`] : [];
}

function optional(r: Renderer, v: JsonObject, field: string, directive: string, path = 'Value'): string[] {
  const value = v[field];
  return typeof value === 'string' ? [`${directive} ${r.arg(`${path}.${field}`, value)};`] : [];
}

/** What servers and locations share: `RestrictTo`, `Set`, `ProxySetHeaders`, `AddHeaders`. */
function commonLines(r: Renderer, v: JsonObject, path: string): string[] {
  const allow = strings(v.RestrictTo).map(({ value, i }) => `allow ${r.arg(`${path}.RestrictTo.${i}`, value)};`);
  return [
    ...(allow.length > 0 ? [...allow, 'deny all;'] : []),
    ...argumentLines(r, v, path, 'Set', 'set'),
    ...argumentLines(r, v, path, 'ProxySetHeaders', 'proxy_set_header'),
    ...argumentLines(r, v, path, 'AddHeaders', 'add_header'),
  ];
}

function argumentLines(r: Renderer, v: JsonObject, path: string, field: string, directive: string): string[] {
  return strings(v[field]).map(({ value, i }) => `${directive} ${r.arg(`${path}.${field}.${i}`, value, checkArguments)};`);
}

function ignore(r: Renderer, v: JsonObject, path: string, fields: readonly string[]): void {
  for (const f of fields) if (v[f] !== undefined) r.ignored.push({ item: r.item, path: `${path}.${f}`, message: 'has no nginx directive in this rendering; not rendered' });
}

// ---- locations ------------------------------------------------------------------------------------------------------

function renderLocation(r: Renderer, l: JsonObject, path: string, ctx: ServerContext): string[] {
  const body = [
    ...commonLines(r, l, path),
    ...rewriteLines(r, l, path),
    ...returnLine(r, l, path),
    ...optional(r, l, 'ProxyHttpVersion', 'proxy_http_version', path),
    ...argumentLines(r, l, path, 'MoreHeaders', 'more_set_headers'),
    ...(typeof l.TryFiles === 'string' ? [`try_files ${r.arg(`${path}.TryFiles`, l.TryFiles, checkArguments)};`] : []),
    ...proxyPassLine(r, l, path, ctx),
    ...rawLines(r, l, path),
  ];
  ignore(r, l, path, ['IfCondition', 'IfConditionPriority', 'Tokenise', 'HealthCheck', 'CustomErrorCodes', 'CacheTime']);
  return [`location ${locationMatch(r, typeof l.Path === 'string' ? l.Path : '', `${path}.Path`)} {`, ...body.map((x) => `    ${x}`), '}'];
}

/** `= /x`, `^~ /x`, `/x` and `@name` are written as they are; a regular expression is quoted, as it may hold `{`. */
function locationMatch(r: Renderer, raw: string, path: string): string {
  const p = raw.trim();
  const m = /^(=|\^~|~\*|~)\s*(.*)$/.exec(p);
  if (!m) {
    if (!p.startsWith('/') && !p.startsWith('@')) r.problem(path, `'${p}' is neither a path starting with / or @ nor a modifier (=, ^~, ~, ~*) and a pattern`);
    return r.arg(path, p);
  }
  const [, modifier = '', pattern = ''] = m;
  if (modifier === '~' || modifier === '~*') return `${modifier} "${r.arg(path, pattern, checkQuotable)}"`;
  return `${modifier} ${r.arg(path, pattern)}`;
}

const REWRITE_FLAGS = ['last', 'break', 'redirect', 'permanent'];

function rewriteLines(r: Renderer, l: JsonObject, path: string): string[] {
  const single = l.RewriteCondition !== undefined || l.RewriteURI !== undefined ? [{ value: { Condition: l.RewriteCondition ?? null, URI: l.RewriteURI ?? null, State: l.RewriteState ?? null }, at: (f: string) => `${path}.Rewrite${f}` }] : [];
  const list = objects(l.Rewrites).map(({ value, i }) => ({ value, at: (f: string) => `${path}.Rewrites.${i}.${f}` }));
  return [...single, ...list].map(({ value: w, at }) => {
    if (typeof w.Condition !== 'string' || typeof w.URI !== 'string') {
      r.problem(at(typeof w.Condition === 'string' ? 'URI' : 'Condition'), 'a rewrite needs both a Condition (the regular expression) and a URI');
      return '';
    }
    const flag = typeof w.State === 'string' ? w.State.toLowerCase() : undefined;
    if (flag !== undefined && !REWRITE_FLAGS.includes(flag)) r.problem(at('State'), `must be one of ${REWRITE_FLAGS.join(', ')}, got ${JSON.stringify(w.State)}`);
    return `rewrite "${r.arg(at('Condition'), w.Condition, checkQuotable)}" ${r.arg(at('URI'), w.URI)}${flag ? ` ${flag}` : ''};`;
  });
}

function returnLine(r: Renderer, l: JsonObject, path: string): string[] {
  if (typeof l.ReturnCode !== 'number') return [];
  const uri = typeof l.ReturnURI === 'string' ? ` ${r.arg(`${path}.ReturnURI`, l.ReturnURI)}` : '';
  return [`return ${l.ReturnCode}${uri};`];
}

const PROXY_HOST = /^https?:\/\/([^/:?#]+)(:\d+)?/i;

/** An upstream name nginx does not know is looked up as a host name when nginx loads, and fails: refuse it here. */
function proxyPassLine(r: Renderer, l: JsonObject, path: string, ctx: ServerContext): string[] {
  if (typeof l.ProxyPass !== 'string') return [];
  const pass = r.arg(`${path}.ProxyPass`, l.ProxyPass);
  const host = PROXY_HOST.exec(pass);
  if (!host && !pass.includes('$')) r.problem(`${path}.ProxyPass`, `'${pass}' must start with http:// or https://`);
  const name = host?.[1] ?? '';
  const isUpstream = host !== null && host[2] === undefined && !name.includes('.') && !name.includes('$') && lower(name) !== 'localhost';
  if (isUpstream && !ctx.upstreams.has(lower(name))) {
    r.problem(`${path}.ProxyPass`, `names '${name}', which is not an upstream of load-balancer group ${ctx.group}; create the upstream or fix the name`);
  }
  return [`proxy_pass ${pass};`];
}

function rawLines(r: Renderer, l: JsonObject, path: string): string[] {
  if (typeof l.RawNginxConfig !== 'string') return [];
  r.arg(`${path}.RawNginxConfig`, l.RawNginxConfig, checkBalancedBlock);
  return l.RawNginxConfig.split(/\r?\n/).map((x) => x.trimEnd()).filter((x) => x.trim() !== '');
}

// ---- clashes --------------------------------------------------------------------------------------------------------

/** What nginx tells virtual hosts apart by: each `<address:port> <server name>` a setting serves, with its field path. */
export function serverNameKeys(s: JsonObject): { key: string; path: string; name: string; listen: string }[] {
  const v = isJsonObject(s.Value) ? s.Value : {};
  const listens = objects(v.Listen).map(({ value }) => `${typeof value.IP === 'string' ? value.IP : '*'}:${JSON.stringify(value.Port ?? null)}`);
  const names = strings(v.ServerName).map(({ value, i }) => ({ name: lower(value), path: `Value.ServerName.${i}` }));
  const out: { key: string; path: string; name: string; listen: string }[] = [];
  for (const listen of listens.length > 0 ? listens : ['*:80']) {
    for (const { name, path } of names.length > 0 ? names : [{ name: '', path: 'Value.ServerName' }]) out.push({ key: `${listen} ${name}`, path, name, listen });
  }
  return out;
}

/** Two virtual hosts with one server name on one address and port: nginx would warn and serve only the first. */
function checkServerClashes(r: Renderer, lbSettings: readonly JsonObject[]): void {
  const seen = new Map<string, string>();
  for (const s of lbSettings) {
    const item = `lb-settings ${stringAt(s, 'EnvironmentName') ?? ''}/${stringAt(s, 'VHostName') ?? ''}`;
    for (const { key, path, name, listen } of serverNameKeys(s)) {
      const other = seen.get(key);
      if (other !== undefined && other !== item) {
        r.item = item;
        r.problem(path, `${name === '' ? 'no server name' : `'${name}'`} on ${listen} is also served by ${other}; nginx would send all its requests to one of them`);
      } else seen.set(key, item);
    }
  }
}
