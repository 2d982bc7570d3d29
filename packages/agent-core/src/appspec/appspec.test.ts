import { describe, expect, it } from 'vitest';
import { archivePath, combineHealthChecks, parseAppSpec } from './appspec.js';

const files = new Set(['appspec.yml', 'server.mjs', 'hooks/start.sh', 'hooks/stop.sh', 'hooks/validate.sh', 'config/app.json']);
const parseLinux = (text: string) => parseAppSpec(text, { platform: 'linux', archiveFiles: files });

const HELLO = `
version: 0.0
os: linux
files:
  - source: /
    destination: /opt/hello
  - source: config
    destination: /etc/hello
permissions:
  - object: /opt/hello/server.mjs
    mode: 755
    owner: app
hooks:
  ApplicationStop:
    - location: hooks/stop.sh
      timeout: 15
  ApplicationStart:
    - location: ./hooks/start.sh
      timeout: "30"
      runas: app
    - location: hooks/validate.sh
  ValidateService:
    - location: /hooks/validate.sh
  BeforeAllowTraffic:
    - location: hooks/validate.sh
consul_healthchecks:
  health:
    type: http
    name: Hello health
    interval: 2s
    url: http://127.0.0.1:\${PORT}/health
service:
  command: node server.mjs
`;

describe('parseAppSpec', () => {
  it('reads os, files, permissions, the first script of each hook, health checks and the supervised command', () => {
    const r = parseLinux(HELLO);
    if (!r.ok) throw new Error(JSON.stringify(r.problems));
    expect(r.appSpec).toEqual({
      os: 'linux',
      files: [
        { source: '', destination: '/opt/hello' },
        { source: 'config', destination: '/etc/hello' },
      ],
      permissions: [{ object: '/opt/hello/server.mjs', mode: 0o755, owner: 'app' }],
      hooks: {
        ApplicationStop: { location: 'hooks/stop.sh', timeoutSec: 15 },
        ApplicationStart: { location: 'hooks/start.sh', timeoutSec: 30, runAs: 'app' },
        ValidateService: { location: 'hooks/validate.sh' },
      },
      healthChecks: [{ id: 'health', type: 'http', name: 'Hello health', intervalMs: 2000, url: 'http://127.0.0.1:${PORT}/health', scriptArguments: [], tlsSkipVerify: false }],
      service: { command: ['node', 'server.mjs'] },
    });
    expect(r.warnings).toEqual([
      'hooks.ApplicationStart lists 2 scripts; only the first runs',
      'hooks.BeforeAllowTraffic is not a hook the agent runs (ApplicationStop, BeforeInstall, AfterInstall, ApplicationStart, ValidateService); ignored',
    ]);
  });

  it('accepts a minimal appspec', () => {
    expect(parseLinux('os: linux')).toEqual({ ok: true, appSpec: { os: 'linux', files: [], permissions: [], hooks: {}, healthChecks: [] }, warnings: [] });
  });

  it.each<[string, string, string[]]>([
    ['invalid YAML', 'os: [linux', ['appspec.yml']],
    ['not a mapping', '- os', ['appspec.yml']],
    ['no os', 'files: []', ['os']],
    ['an unknown os', 'os: solaris', ['os']],
    ['the other platform', 'os: windows', ['os']],
    ['files not a list', 'os: linux\nfiles: {}', ['files']],
    [
      'incomplete or escaping file entries',
      'os: linux\nfiles:\n  - source: nothere\n    destination: relative\n  - destination: /x\n  - source: ../up\n    destination: /\n  - 3',
      ['files[0].source', 'files[0].destination', 'files[1].source', 'files[2].source', 'files[2].destination', 'files[3]'],
    ],
    [
      'bad permission entries',
      'os: linux\npermissions:\n  - object: rel\n    mode: 999\n  - object: /opt/x\n  - object: /opt/x\n    owner: ""',
      ['permissions[0].object', 'permissions[0].mode', 'permissions[1]', 'permissions[2].owner'],
    ],
    [
      'bad hooks',
      'os: linux\nhooks:\n  BeforeInstall:\n    - location: hooks/missing.sh\n  AfterInstall:\n    - location: ../../etc/passwd\n      timeout: 0\n  ApplicationStart:\n    - timeout: 5\n      runas: "a b"\n  ValidateService: 3',
      ['hooks.BeforeInstall[0].location', 'hooks.AfterInstall[0].location', 'hooks.AfterInstall[0].timeout', 'hooks.ApplicationStart[0].location', 'hooks.ApplicationStart[0].runas', 'hooks.ValidateService[0]'],
    ],
    [
      'bad health checks',
      'os: linux\nconsul_healthchecks:\n  a:\n    type: tcp\n    interval: soon\n  b:\n    type: http\n    interval: 5s\n  c:\n    type: script\n    interval: 1m',
      ['consul_healthchecks.a.type', 'consul_healthchecks.a.interval', 'consul_healthchecks.b.url', 'consul_healthchecks.c.script'],
    ],
    ['a bad supervised command', 'os: linux\nservice:\n  command: []', ['service.command']],
  ])('lists every problem of %s', (_name, text, paths) => {
    const r = parseLinux(text);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.problems.map((p) => p.path)).toEqual(paths);
  });

  it.each([
    ['a/b', 'a/b'],
    ['/a//b/', 'a/b'],
    ['./a/./b', 'a/b'],
    ['a\\b', 'a/b'],
    ['/', ''],
    ['a/../b', undefined],
    ['../a', undefined],
  ])('archivePath(%s)', (input, expected) => expect(archivePath(input)).toBe(expected));

  it('combines appspec and file health checks, refusing an id defined twice', () => {
    const check = (id: string) => ({ id, type: 'http' as const, name: id, intervalMs: 1000, url: 'http://x', scriptArguments: [], tlsSkipVerify: false });
    expect(combineHealthChecks([check('a')], [check('b')]).problems).toEqual([]);
    expect(combineHealthChecks([check('a')], [check('a')]).problems.map((p) => p.path)).toEqual(['consul_healthchecks.a']);
  });
});
