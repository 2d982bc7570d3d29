import { describe, expect, it } from 'vitest';
import type { ArchiveContents } from '@envmgr/ports';
import { packageProblems } from './package-rules.js';

const ENTRIES = ['appspec.yml', 'server.mjs', 'hooks/', 'hooks/start.sh', 'hooks/stop.sh', 'config/', 'config/app.json'];
const GOOD = {
  version: 0.0,
  os: 'linux',
  files: [{ source: '/', destination: '/opt/hello' }, { source: 'config', destination: '/etc/hello' }],
  permissions: [{ object: '/opt/hello', owner: 'hello', mode: 755 }],
  hooks: {
    ApplicationStop: [{ location: 'hooks/stop.sh', timeout: 10 }],
    ApplicationStart: [{ location: './hooks/start.sh', timeout: 30, runas: 'hello' }],
  },
};

function archive(appspec: unknown, extra: Partial<{ entries: string[]; checks: unknown }> = {}): ArchiveContents {
  return {
    isReadable: true,
    entries: extra.entries ?? ENTRIES,
    documents: {
      ...(appspec !== undefined ? { 'appspec.yml': { ok: true, value: appspec } } : {}),
      ...(extra.checks !== undefined ? { 'healthchecks/consul/healthchecks.yml': { ok: true, value: extra.checks } } : {}),
    },
  };
}
const paths = (c: ArchiveContents) => packageProblems(c).map((p) => p.path);

describe('packageProblems', () => {
  it('accepts a complete package', () => {
    expect(packageProblems(archive(GOOD, { checks: { consul_healthchecks: { health: { type: 'http', name: 'h', interval: '5s', url: 'http://127.0.0.1:${PORT}/health' } } } }))).toEqual([]);
  });

  it('accepts a minimal one (os only)', () => {
    expect(packageProblems(archive({ os: 'windows' }))).toEqual([]);
  });

  it('says why an unreadable archive is refused', () => {
    expect(packageProblems({ isReadable: false, reason: 'end of central directory record signature not found' })).toEqual([
      { path: '', message: 'the upload is not a readable zip archive: end of central directory record signature not found' },
    ]);
  });

  it('wants appspec.yml at the root, and points at a nested one', () => {
    expect(packageProblems(archive(undefined))[0]?.message).toContain('is missing at the root of the archive');
    const nested = packageProblems(archive(undefined, { entries: ['hello/', 'hello/appspec.yml'] }));
    expect(nested[0]?.message).toContain("found at 'hello/appspec.yml': zip the contents of that folder");
  });

  it('reports YAML that does not parse, or is not a mapping', () => {
    const bad: ArchiveContents = { isReadable: true, entries: ['appspec.yml'], documents: { 'appspec.yml': { ok: false, reason: 'bad indentation at line 3' } } };
    expect(packageProblems(bad)).toEqual([{ path: 'appspec.yml', message: 'is not valid YAML: bad indentation at line 3' }]);
    expect(packageProblems(archive(['os', 'linux']))[0]?.message).toContain('must be a YAML mapping');
  });

  it.each([
    [{ ...GOOD, os: 'macos' }, ['appspec.yml:os']],
    [{ ...GOOD, os: undefined }, ['appspec.yml:os']],
    [{ ...GOOD, files: { source: '/' } }, ['appspec.yml:files']],
    [{ ...GOOD, files: [{ source: 'missing', destination: '/x' }, { destination: '/y' }, 'x'] }, ['appspec.yml:files.0.source', 'appspec.yml:files.1.source', 'appspec.yml:files.2']],
    [{ ...GOOD, permissions: [{ mode: 'rwx' }] }, ['appspec.yml:permissions.0.object', 'appspec.yml:permissions.0.mode']],
    [{ ...GOOD, hooks: ['ApplicationStart'] }, ['appspec.yml:hooks']],
    [{ ...GOOD, hooks: { AfterBlockTraffic: [] } }, ['appspec.yml:hooks.AfterBlockTraffic']],
    [{ ...GOOD, hooks: { ApplicationStart: [{ location: 'hooks/missing.sh' }] } }, ['appspec.yml:hooks.ApplicationStart.0.location']],
    [{ ...GOOD, hooks: { ApplicationStart: [{ location: '/hooks/start.sh' }] } }, ['appspec.yml:hooks.ApplicationStart.0.location']],
    [{ ...GOOD, hooks: { ApplicationStart: [{ location: 'hooks/../hooks/start.sh' }] } }, ['appspec.yml:hooks.ApplicationStart.0.location']],
    [{ ...GOOD, hooks: { ApplicationStart: [{ location: 'hooks' }] } }, ['appspec.yml:hooks.ApplicationStart.0.location']],
    [{ ...GOOD, hooks: { ApplicationStart: [{ location: 'hooks/start.sh', timeout: 0 }] } }, ['appspec.yml:hooks.ApplicationStart.0.timeout']],
    [{ ...GOOD, hooks: { ApplicationStart: [{ location: 'hooks/start.sh', timeout: 3601 }] } }, ['appspec.yml:hooks.ApplicationStart.0.timeout']],
    [{ ...GOOD, hooks: { ApplicationStart: [{ timeout: 5, runas: 7 }] } }, ['appspec.yml:hooks.ApplicationStart.0.location', 'appspec.yml:hooks.ApplicationStart.0.runas']],
    [{ ...GOOD, consul_healthchecks: { h: { type: 'tcp' } } }, ['appspec.yml:consul_healthchecks.h.type']],
  ])('finds every problem of %j', (appspec, expected) => {
    expect(paths(archive(appspec))).toEqual(expected);
  });

  it('names the missing script and what to do', () => {
    const [p] = packageProblems(archive({ os: 'linux', hooks: { ValidateService: [{ location: 'hooks/validate.sh' }] } }));
    expect(p).toEqual({ path: 'appspec.yml:hooks.ValidateService.0.location', message: "'hooks/validate.sh' is not in the archive" });
  });

  it.each([
    [{ consul_healthchecks: { h: { type: 'http' } } }, ['healthchecks/consul/healthchecks.yml:consul_healthchecks.h.url', 'healthchecks/consul/healthchecks.yml:consul_healthchecks.h.interval']],
    [{ consul_healthchecks: { h: { type: 'script', script: 'check.sh', interval: '30s' } } }, []],
    [{ consul_healthchecks: ['h'] }, ['healthchecks/consul/healthchecks.yml:consul_healthchecks']],
    [{ consul_healthchecks: { h: 'http://x' } }, ['healthchecks/consul/healthchecks.yml:consul_healthchecks.h']],
  ])('checks health checks %j', (checks, expected) => {
    expect(paths(archive({ os: 'linux' }, { checks }))).toEqual(expected);
  });

  it('wants absolute destinations and permission objects, as the agent does', () => {
    const bad = { ...GOOD, files: [{ source: '/', destination: 'opt/hello' }], permissions: [{ object: 'relative/x' }] };
    expect(paths(archive(bad))).toEqual(['appspec.yml:files.0.destination', 'appspec.yml:permissions.0.object']);
    expect(paths(archive({ ...GOOD, os: 'windows', files: [{ source: '/', destination: 'C:\\apps\\hello' }], permissions: [], hooks: {} }))).toEqual([]);
  });

  it('wants health checks with a positive interval and an http(s) url', () => {
    const checks = (check: object) => ({ consul_healthchecks: { web: { type: 'http', name: 'web', ...check } } });
    expect(paths(archive(GOOD, { checks: checks({ interval: '10s', url: 'http://127.0.0.1:${PORT}/health' }) }))).toEqual([]);
    expect(paths(archive(GOOD, { checks: checks({ interval: 10, url: 'https://x/health' }) }))).toEqual([]);
    expect(paths(archive(GOOD, { checks: checks({ url: 'http://x/' }) }))).toEqual(['healthchecks/consul/healthchecks.yml:consul_healthchecks.web.interval']);
    expect(paths(archive(GOOD, { checks: checks({ interval: '0s', url: 'ftp://x/' }) }))).toEqual([
      'healthchecks/consul/healthchecks.yml:consul_healthchecks.web.url',
      'healthchecks/consul/healthchecks.yml:consul_healthchecks.web.interval',
    ]);
  });
});
