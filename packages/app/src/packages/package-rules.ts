import type { FieldProblem } from '@envmgr/domain';
import type { ArchiveContents, ParsedDocument } from '@envmgr/ports';

/** Where a package keeps its CodeDeploy-style app spec (SPEC §5). */
export const APPSPEC_PATH = 'appspec.yml';
/** Where a package keeps its Consul health checks (SPEC §6). */
export const HEALTHCHECKS_PATH = 'healthchecks/consul/healthchecks.yml';
/** The documents the upload rules read from an archive. */
export const PACKAGE_DOCUMENTS: readonly string[] = [APPSPEC_PATH, HEALTHCHECKS_PATH];

/** The lifecycle hooks the agent runs, in order (SPEC §6). */
export const HOOKS = ['ApplicationStop', 'BeforeInstall', 'AfterInstall', 'ApplicationStart', 'ValidateService'] as const;
export const OPERATING_SYSTEMS = ['linux', 'windows'] as const;
/** CodeDeploy's limit for one hook script. */
export const HOOK_TIMEOUT_MAX_SECONDS = 3600;
const CHECK_TYPES = ['http', 'script'];

type Problems = FieldProblem[];
type Obj = Record<string, unknown>;

const isObject = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const shown = (v: unknown): string => {
  const text = JSON.stringify(v) ?? String(v);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
};

/**
 * Every reason an archive is not a deployable package (SPEC §5): a readable zip with `appspec.yml` at its root,
 * `os` linux or windows, well-formed `files`, `permissions` and `hooks`, hook scripts and file sources that exist
 * in the archive, and well-formed health checks. Empty when the package is fine. Paths read
 * `appspec.yml:hooks.ApplicationStart.0.location`.
 */
export function packageProblems(contents: ArchiveContents): FieldProblem[] {
  if (!contents.isReadable) return [{ path: '', message: `the upload is not a readable zip archive: ${contents.reason}` }];
  const entries = new Set(contents.entries);
  const appspec = contents.documents[APPSPEC_PATH];
  if (!appspec) return [{ path: APPSPEC_PATH, message: missingAppspec(contents.entries) }];
  const problems: Problems = [];
  const doc = parsed(APPSPEC_PATH, appspec, problems);
  if (doc) {
    problems.push(...appspecProblems(doc, entries).map(at(APPSPEC_PATH)));
    if (doc.consul_healthchecks !== undefined) problems.push(...checkProblems(doc.consul_healthchecks, 'consul_healthchecks').map(at(APPSPEC_PATH)));
  }
  const checks = contents.documents[HEALTHCHECKS_PATH];
  const checksDoc = checks && parsed(HEALTHCHECKS_PATH, checks, problems);
  if (checksDoc) problems.push(...checkProblems(checksDoc.consul_healthchecks, 'consul_healthchecks').map(at(HEALTHCHECKS_PATH)));
  return problems;
}

function missingAppspec(entries: readonly string[]): string {
  const nested = entries.find((e) => e.endsWith(`/${APPSPEC_PATH}`));
  if (nested) {
    return `is missing at the root of the archive; it was found at '${nested}': zip the contents of that folder, not the folder itself`;
  }
  return 'is missing at the root of the archive; a package needs one (os, files, hooks), see examples/hello-service';
}

function at(file: string) {
  return (p: FieldProblem): FieldProblem => ({ path: p.path ? `${file}:${p.path}` : file, message: p.message });
}

function parsed(file: string, doc: ParsedDocument, problems: Problems): Obj | undefined {
  if (!doc.ok) {
    problems.push({ path: file, message: `is not valid YAML: ${doc.reason}` });
    return undefined;
  }
  if (!isObject(doc.value)) {
    problems.push({ path: file, message: `must be a YAML mapping (key: value lines); got ${shown(doc.value)}` });
    return undefined;
  }
  return doc.value;
}

/** The rules of one appspec document; paths are relative to it. */
export function appspecProblems(doc: Obj, entries: ReadonlySet<string>): FieldProblem[] {
  const problems: Problems = [];
  if (!OPERATING_SYSTEMS.some((os) => os === doc.os)) {
    problems.push({ path: 'os', message: `must be one of ${OPERATING_SYSTEMS.join(', ')}; got ${doc.os === undefined ? 'nothing' : shown(doc.os)}` });
  }
  const os = typeof doc.os === 'string' ? doc.os : 'linux';
  eachItem(doc.files, 'files', problems, (f, path) => {
    const destination = requireText(f, 'destination', path, problems);
    if (destination !== undefined && !isAbsolutePath(destination, os)) {
      problems.push({ path: `${path}.destination`, message: `'${destination}' is not an absolute path; the agent copies files to absolute destinations` });
    }
    const source = requireText(f, 'source', path, problems);
    if (source !== undefined && !sourceExists(source, entries)) {
      problems.push({ path: `${path}.source`, message: `'${source}' is not in the archive` });
    }
  });
  eachItem(doc.permissions, 'permissions', problems, (p, path) => {
    const object = requireText(p, 'object', path, problems);
    if (object !== undefined && !isAbsolutePath(object, os)) problems.push({ path: `${path}.object`, message: `'${object}' is not an absolute path` });
    for (const field of ['owner', 'group']) optionalText(p, field, path, problems);
    const mode = typeof p.mode === 'number' || typeof p.mode === 'string' ? String(p.mode) : undefined;
    if (p.mode !== undefined && !(mode !== undefined && /^[0-7]{3,4}$/.test(mode))) {
      problems.push({ path: `${path}.mode`, message: `must be an octal mode such as 755; got ${shown(p.mode)}` });
    }
  });
  if (doc.hooks !== undefined) hookProblems(doc.hooks, entries, problems);
  return problems;
}

function hookProblems(hooks: unknown, entries: ReadonlySet<string>, problems: Problems): void {
  if (!isObject(hooks)) {
    problems.push({ path: 'hooks', message: `must be a mapping of hook names (${HOOKS.join(', ')}) to lists of scripts` });
    return;
  }
  for (const [name, scripts] of Object.entries(hooks)) {
    if (!HOOKS.some((h) => h === name)) {
      problems.push({ path: `hooks.${name}`, message: `is not a hook the agent runs; use one of ${HOOKS.join(', ')}` });
      continue;
    }
    if (scripts === null) continue;
    eachItem(scripts, `hooks.${name}`, problems, (s, path) => {
      const location = requireText(s, 'location', path, problems);
      if (location !== undefined) {
        const problem = locationProblem(location, entries);
        if (problem) problems.push({ path: `${path}.location`, message: problem });
      }
      if (s.timeout !== undefined && !(Number.isInteger(s.timeout) && Number(s.timeout) >= 1 && Number(s.timeout) <= HOOK_TIMEOUT_MAX_SECONDS)) {
        problems.push({ path: `${path}.timeout`, message: `must be a whole number of seconds from 1 to ${HOOK_TIMEOUT_MAX_SECONDS}; got ${shown(s.timeout)}` });
      }
      optionalText(s, 'runas', path, problems);
    });
  }
}

/** A hook script is a file of the archive, named relative to its root (a leading `./` is allowed). */
function locationProblem(location: string, entries: ReadonlySet<string>): string | undefined {
  if (location.startsWith('/') || /^[A-Za-z]:[\\/]/.test(location)) return `must be relative to the archive root (e.g. hooks/start.sh); got '${location}'`;
  const path = normalise(location);
  if (path.split('/').includes('..')) return `must stay inside the archive; got '${location}'`;
  if (!entries.has(path)) {
    return entries.has(`${path}/`) ? `'${location}' is a folder; name the script in it` : `'${location}' is not in the archive`;
  }
  return undefined;
}

/** `/` is the whole archive; otherwise a file or a folder of it. */
function sourceExists(source: string, entries: ReadonlySet<string>): boolean {
  const path = normalise(source.replace(/^\/+/, ''));
  if (path === '') return true;
  if (entries.has(path) || entries.has(`${path}/`)) return true;
  for (const e of entries) if (e.startsWith(`${path}/`)) return true;
  return false;
}

const normalise = (p: string): string => p.replace(/\\/g, '/').replace(/^(\.\/)+/, '').replace(/\/+$/, '');

/** Health checks: a mapping of check id to `{type: http|script, url|script, ...}` (SPEC §6). */
function checkProblems(checks: unknown, path: string): FieldProblem[] {
  if (checks === undefined || checks === null) return [];
  if (!isObject(checks)) return [{ path, message: 'must be a mapping of check ids to checks ({type, name, interval, url or script})' }];
  const problems: Problems = [];
  for (const [id, check] of Object.entries(checks)) {
    const at = `${path}.${id}`;
    if (!isObject(check)) {
      problems.push({ path: at, message: 'must be a mapping such as {type: http, name: ..., interval: 10s, url: ...}' });
      continue;
    }
    if (!CHECK_TYPES.includes(String(check.type))) {
      problems.push({ path: `${at}.type`, message: `must be one of ${CHECK_TYPES.join(', ')}; got ${check.type === undefined ? 'nothing' : shown(check.type)}` });
      continue;
    }
    const target = requireText(check, check.type === 'http' ? 'url' : 'script', at, problems);
    if (check.type === 'http' && target !== undefined && !/^https?:\/\//.test(target)) {
      problems.push({ path: `${at}.url`, message: `must be an http:// or https:// URL (\${PORT} is replaced with the service's port); got ${shown(target)}` });
    }
    if (!isDuration(check.interval)) {
      problems.push({ path: `${at}.interval`, message: `must be a positive duration such as 10s or 1m (a bare number is seconds); got ${check.interval === undefined ? 'nothing' : shown(check.interval)}` });
    }
  }
  return problems;
}

// The agent refuses what these refuse (packages/agent-core appspec and health-check parsing): checking at upload
// means a package that cannot install anywhere is never stored.
function isAbsolutePath(path: string, os: string): boolean {
  return os === 'windows' ? /^[A-Za-z]:[\\/]/.test(path) : path.startsWith('/');
}

function isDuration(value: unknown): boolean {
  if (typeof value === 'number') return value > 0;
  return typeof value === 'string' && /^(?:\d+(?:\.\d+)?(?:ns|us|µs|ms|s|m|h))+$|^\d+(?:\.\d+)?$/.test(value.trim()) && !/^0+(?:\.0+)?[a-zµ]*$/.test(value.trim());
}

function eachItem(list: unknown, path: string, problems: Problems, check: (item: Obj, path: string) => void): void {
  if (list === undefined || list === null) return;
  if (!Array.isArray(list)) {
    problems.push({ path, message: `must be a list; got ${shown(list)}` });
    return;
  }
  list.forEach((item: unknown, i) => {
    if (isObject(item)) check(item, `${path}.${i}`);
    else problems.push({ path: `${path}.${i}`, message: `must be a mapping; got ${shown(item)}` });
  });
}

function requireText(o: Obj, field: string, path: string, problems: Problems): string | undefined {
  const v = o[field];
  if (typeof v === 'string' && v.trim() !== '') return v;
  problems.push({ path: `${path}.${field}`, message: v === undefined ? 'is required' : `must be text; got ${shown(v)}` });
  return undefined;
}

function optionalText(o: Obj, field: string, path: string, problems: Problems): void {
  const v = o[field];
  if (v !== undefined && typeof v !== 'string') problems.push({ path: `${path}.${field}`, message: `must be text; got ${shown(v)}` });
}
