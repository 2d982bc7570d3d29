/**
 * The package's `appspec.yml` (CodeDeploy style, SPEC §5 "Package"): `os`, `files`, `permissions`, `hooks` and
 * health checks, validated as the agent's ValidateBundle stage does (SPEC §6). Pure: the caller passes the
 * archive's file list.
 */
import { parse } from 'yaml';
import { parseHealthCheckMap, type HealthCheckDefinition } from '../health/health-checks.js';
import { isObject, type Problem } from '../target-state/target-state.js';

export const APPSPEC_FILE = 'appspec.yml';

/** The lifecycle hooks a package may have, in the order an install runs them. */
export const LIFECYCLE_HOOKS = ['ApplicationStop', 'BeforeInstall', 'AfterInstall', 'ApplicationStart', 'ValidateService'] as const;
export type LifecycleHook = (typeof LIFECYCLE_HOOKS)[number];

export type OperatingSystem = 'linux' | 'windows';

/** One hook script: the first entry of the hook's list (SPEC §6: first script per hook). */
export interface HookScript {
  /** Relative to the unpacked archive, `/`-separated, without a leading `/` or `./`. */
  location: string;
  /** Seconds; without it the installation timeout applies. */
  timeoutSec?: number;
  /** A user to run the script as (through `su`). */
  runAs?: string;
}

export interface FileMapping {
  /** Relative to the archive: '' for the whole archive, else a file or folder of it. */
  source: string;
  /** Absolute, as CodeDeploy requires; an agent may place it under a root of its own. */
  destination: string;
}

export interface PermissionEntry {
  /** An absolute path among the files' destinations. */
  object: string;
  owner?: string;
  group?: string;
  /** File mode bits, from octal digits such as `755`. */
  mode?: number;
}

/**
 * EM's extension for packages without start/stop hooks: a command the agent starts as a long-running process
 * after ApplicationStart and stops before ApplicationStop (the `ServiceSupervisor` port).
 */
export interface SupervisedCommand {
  /** Program and arguments; the program is relative to the archive or on the PATH. */
  command: string[];
}

export interface AppSpec {
  os: OperatingSystem;
  files: FileMapping[];
  permissions: PermissionEntry[];
  hooks: Partial<Record<LifecycleHook, HookScript>>;
  /** `consul_healthchecks:` of the appspec ([] when the appspec has none). */
  healthChecks: HealthCheckDefinition[];
  service?: SupervisedCommand;
}

export type AppSpecResult = { ok: true; appSpec: AppSpec; warnings: string[] } | { ok: false; problems: Problem[] };

/** A path inside the archive, normalised: `/`-separated, no leading `/` or `./`; undefined when it escapes. */
export function archivePath(path: string): string | undefined {
  const parts: string[] = [];
  for (const part of path.replace(/\\/g, '/').split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') return undefined;
    parts.push(part);
  }
  return parts.join('/');
}

const isAbsolute = (p: string, os: OperatingSystem): boolean => (os === 'windows' ? /^[A-Za-z]:[\\/]/.test(p) : p.startsWith('/'));

function existsInArchive(path: string, files: ReadonlySet<string>): boolean {
  if (path === '' || files.has(path)) return true;
  for (const f of files) if (f.startsWith(`${path}/`)) return true;
  return false;
}

interface Ctx {
  os: OperatingSystem;
  files: ReadonlySet<string>;
  problems: Problem[];
  warnings: string[];
}

function parseFiles(raw: unknown, ctx: Ctx): FileMapping[] {
  if (raw === undefined || raw === null) return [];
  if (!Array.isArray(raw)) {
    ctx.problems.push({ path: 'files', message: 'must be a list of {source, destination}' });
    return [];
  }
  const out: FileMapping[] = [];
  raw.forEach((entry: unknown, i) => {
    const at = (field: string, message: string) => ctx.problems.push({ path: `files[${i}]${field}`, message });
    if (!isObject(entry)) return at('', 'must be {source, destination}');
    const source = typeof entry.source === 'string' ? archivePath(entry.source) : undefined;
    if (typeof entry.source !== 'string' || entry.source === '') at('.source', 'is missing; give a file or folder of the package (/ for all of it)');
    else if (source === undefined) at('.source', `'${entry.source}' leaves the package`);
    else if (!existsInArchive(source, ctx.files)) at('.source', `'${entry.source}' is not in the package`);
    const dest = entry.destination;
    if (typeof dest !== 'string' || dest === '') at('.destination', 'is missing; give an absolute path');
    else if (!isAbsolute(dest, ctx.os)) at('.destination', `'${dest}' is not an absolute path`);
    else if (archivePath(dest) === undefined) at('.destination', `'${dest}' contains '..'`);
    else if (archivePath(dest) === '') at('.destination', 'must not be the root folder: the agent empties a destination before it copies');
    if (source !== undefined && typeof dest === 'string' && isAbsolute(dest, ctx.os)) out.push({ source, destination: dest });
  });
  return out;
}

function parseMode(v: unknown): number | undefined {
  const text = typeof v === 'number' ? String(v) : typeof v === 'string' ? v.trim() : '';
  return /^0?[0-7]{3,4}$/.test(text) ? parseInt(text, 8) : undefined;
}

function parsePermissions(raw: unknown, ctx: Ctx): PermissionEntry[] {
  if (raw === undefined || raw === null) return [];
  if (!Array.isArray(raw)) {
    ctx.problems.push({ path: 'permissions', message: 'must be a list of {object, owner, group, mode}' });
    return [];
  }
  const out: PermissionEntry[] = [];
  raw.forEach((entry: unknown, i) => {
    const at = (field: string, message: string) => ctx.problems.push({ path: `permissions[${i}]${field}`, message });
    if (!isObject(entry)) return at('', 'must be {object, owner?, group?, mode?}');
    const before = ctx.problems.length;
    if (typeof entry.object !== 'string' || !isAbsolute(entry.object, ctx.os)) at('.object', `must be an absolute path; got ${JSON.stringify(entry.object)}`);
    const mode = entry.mode === undefined ? undefined : parseMode(entry.mode);
    if (entry.mode !== undefined && mode === undefined) at('.mode', `must be octal digits such as 755; got ${JSON.stringify(entry.mode)}`);
    for (const f of ['owner', 'group'] as const) {
      if (entry[f] !== undefined && (typeof entry[f] !== 'string' || entry[f] === '')) at(`.${f}`, 'must be a user or group name');
    }
    if (entry.owner === undefined && entry.group === undefined && entry.mode === undefined) at('', 'sets nothing; give owner, group or mode');
    if (ctx.problems.length > before) return;
    const p: PermissionEntry = { object: entry.object as string };
    if (typeof entry.owner === 'string') p.owner = entry.owner;
    if (typeof entry.group === 'string') p.group = entry.group;
    if (mode !== undefined) p.mode = mode;
    out.push(p);
  });
  return out;
}

function parseHook(name: LifecycleHook, raw: unknown, ctx: Ctx): HookScript | undefined {
  const path = `hooks.${name}`;
  const list = Array.isArray(raw) ? raw : [raw];
  if (list.length === 0) return undefined;
  if (list.length > 1) ctx.warnings.push(`${path} lists ${list.length} scripts; only the first runs`);
  const first: unknown = list[0];
  const at = (field: string, message: string) => ctx.problems.push({ path: `${path}[0]${field}`, message });
  if (!isObject(first)) return void at('', 'must be {location, timeout?, runas?}');
  const before = ctx.problems.length;
  const location = typeof first.location === 'string' ? archivePath(first.location) : undefined;
  if (typeof first.location !== 'string' || first.location === '') at('.location', 'is missing; give the script path in the package');
  else if (location === undefined || location === '') at('.location', `'${first.location}' leaves the package`);
  else if (!ctx.files.has(location)) at('.location', `the script '${first.location}' is not in the package`);
  const timeout = typeof first.timeout === 'string' ? Number(first.timeout) : first.timeout;
  if (first.timeout !== undefined && !(typeof timeout === 'number' && Number.isFinite(timeout) && timeout > 0 && timeout <= 86_400)) {
    at('.timeout', `must be a number of seconds from 1 to 86400; got ${JSON.stringify(first.timeout)}`);
  }
  if (first.runas !== undefined && (typeof first.runas !== 'string' || !/^[a-z_][a-z0-9_.-]*\$?$/i.test(first.runas))) {
    at('.runas', `must be a user name; got ${JSON.stringify(first.runas)}`);
  }
  if (ctx.problems.length > before || !location) return undefined;
  const hook: HookScript = { location };
  if (typeof timeout === 'number') hook.timeoutSec = timeout;
  if (typeof first.runas === 'string') hook.runAs = first.runas;
  return hook;
}

function parseHooks(raw: unknown, ctx: Ctx): Partial<Record<LifecycleHook, HookScript>> {
  if (raw === undefined || raw === null) return {};
  if (!isObject(raw)) {
    ctx.problems.push({ path: 'hooks', message: `must map hook names (${LIFECYCLE_HOOKS.join(', ')}) to scripts` });
    return {};
  }
  const hooks: Partial<Record<LifecycleHook, HookScript>> = {};
  for (const [name, value] of Object.entries(raw)) {
    const hook = LIFECYCLE_HOOKS.find((h) => h === name);
    if (!hook) {
      ctx.warnings.push(`hooks.${name} is not a hook the agent runs (${LIFECYCLE_HOOKS.join(', ')}); ignored`);
      continue;
    }
    const script = parseHook(hook, value, ctx);
    if (script) hooks[hook] = script;
  }
  return hooks;
}

function parseService(raw: unknown, ctx: Ctx): SupervisedCommand | undefined {
  if (raw === undefined || raw === null) return undefined;
  const command = isObject(raw) ? raw.command : undefined;
  const list = typeof command === 'string' ? command.split(/\s+/).filter((s) => s !== '') : command;
  if (!Array.isArray(list) || list.length === 0 || !list.every((x) => typeof x === 'string' && x !== '')) {
    ctx.problems.push({ path: 'service.command', message: 'must be the command to run, as text or a list' });
    return undefined;
  }
  return { command: list as string[] };
}

/**
 * Parses and validates an appspec against the platform and the archive's files (`archiveFiles`: every file's path,
 * normalised as `archivePath` does). Lists every problem: wrong or missing `os`, incomplete or escaping `files` and
 * `permissions` entries, hook scripts that are missing or have a bad timeout or user, invalid health checks.
 */
export function parseAppSpec(text: string, opts: { platform: OperatingSystem; archiveFiles: ReadonlySet<string> }): AppSpecResult {
  let doc: unknown;
  try {
    doc = parse(text) as unknown;
  } catch (err) {
    return { ok: false, problems: [{ path: APPSPEC_FILE, message: `is not valid YAML: ${err instanceof Error ? err.message : String(err)}` }] };
  }
  if (!isObject(doc)) return { ok: false, problems: [{ path: APPSPEC_FILE, message: 'must be a YAML mapping with os, files and hooks' }] };
  const ctx: Ctx = { os: opts.platform, files: opts.archiveFiles, problems: [], warnings: [] };
  const os = doc.os === 'linux' || doc.os === 'windows' ? doc.os : undefined;
  if (!os) ctx.problems.push({ path: 'os', message: `must be linux or windows; got ${JSON.stringify(doc.os)}` });
  else if (os !== opts.platform) ctx.problems.push({ path: 'os', message: `the package is for ${os}, but this instance runs ${opts.platform}` });
  const appSpec: AppSpec = {
    os: os ?? opts.platform,
    files: parseFiles(doc.files, ctx),
    permissions: parsePermissions(doc.permissions, ctx),
    hooks: parseHooks(doc.hooks, ctx),
    healthChecks: [],
  };
  const health = parseHealthCheckMap(doc.consul_healthchecks, 'consul_healthchecks');
  ctx.problems.push(...health.problems);
  appSpec.healthChecks = health.checks;
  const service = parseService(doc.service, ctx);
  if (service) appSpec.service = service;
  if (ctx.problems.length > 0) return { ok: false, problems: ctx.problems };
  return { ok: true, appSpec, warnings: ctx.warnings };
}

/**
 * The package's health checks: those of the appspec plus those of `healthchecks/consul/healthchecks.yml`; an id
 * given in both is a problem.
 */
export function combineHealthChecks(
  fromAppSpec: readonly HealthCheckDefinition[],
  fromFile: readonly HealthCheckDefinition[],
): { checks: HealthCheckDefinition[]; problems: Problem[] } {
  const ids = new Set(fromAppSpec.map((c) => c.id));
  const problems = fromFile
    .filter((c) => ids.has(c.id))
    .map((c) => ({ path: `consul_healthchecks.${c.id}`, message: `check '${c.id}' is defined in both appspec.yml and the health checks file; keep one` }));
  return { checks: [...fromAppSpec, ...fromFile], problems };
}
