import { describe, expect, it } from 'vitest';
import { parseDurationMs } from './duration.js';
import { httpCheckStatus, parseHealthChecksFile, resolveHealthChecks, scriptCheckStatus } from './health-checks.js';

describe('parseDurationMs', () => {
  it.each<[unknown, number | undefined]>([
    ['10s', 10_000],
    ['1m30s', 90_000],
    ['250ms', 250],
    ['1.5s', 1500],
    ['2h', 7_200_000],
    [' 5s ', 5000],
    ['10', 10_000],
    [3, 3000],
    ['0s', undefined],
    ['10 s', undefined],
    ['s', undefined],
    ['10x', undefined],
    ['', undefined],
    [null, undefined],
    [-1, undefined],
  ])('%j → %j', (input, ms) => expect(parseDurationMs(input)).toBe(ms));
});

describe('health checks', () => {
  const FILE = `
consul_healthchecks:
  hello-health:
    type: http
    name: Hello health
    interval: 2s
    url: http://127.0.0.1:\${PORT}/health
    tls_skip_verify: true
  disk:
    type: script
    interval: 30s
    timeout: 20s
    script: checks/disk.sh
    script_arguments: --port \${PORT} --min 10
`;

  it('parses the health checks file', () => {
    const { checks, problems } = parseHealthChecksFile(FILE);
    expect(problems).toEqual([]);
    expect(checks).toEqual([
      { id: 'hello-health', type: 'http', name: 'Hello health', intervalMs: 2000, url: 'http://127.0.0.1:${PORT}/health', scriptArguments: [], tlsSkipVerify: true },
      { id: 'disk', type: 'script', name: 'disk', intervalMs: 30_000, timeoutMs: 20_000, script: 'checks/disk.sh', scriptArguments: ['--port', '${PORT}', '--min', '10'], tlsSkipVerify: false },
    ]);
  });

  it.each([
    ['invalid YAML', 'consul_healthchecks: [', ['healthchecks/consul/healthchecks.yml']],
    ['not a mapping', '- a', ['healthchecks/consul/healthchecks.yml']],
    ['checks not a mapping', 'consul_healthchecks: [1]', ['healthchecks/consul/healthchecks.yml:consul_healthchecks']],
    ['a bad id and arguments', 'consul_healthchecks:\n  "a b":\n    type: script\n    interval: 1s\n    script: x\n    script_arguments: {a: 1}', ['healthchecks/consul/healthchecks.yml:consul_healthchecks.a b', 'healthchecks/consul/healthchecks.yml:consul_healthchecks.a b.script_arguments']],
  ])('reports %s', (_name, text, paths) => {
    expect(parseHealthChecksFile(text).problems.map((p) => p.path)).toEqual(paths);
  });

  it('accepts an empty file', () => expect(parseHealthChecksFile('')).toEqual({ checks: [], problems: [] }));

  it('resolves checks for a service: Consul ids, ${PORT}, timeouts and TTLs', () => {
    const resolved = resolveHealthChecks(parseHealthChecksFile(FILE).checks, { serviceId: 'c50-Hello-blue', port: 40001, slice: 'blue' });
    expect(resolved).toEqual([
      { checkId: 'c50-Hello-blue:hello-health', name: 'Hello health', type: 'http', intervalMs: 2000, timeoutMs: 2000, ttlMs: 16_000, url: 'http://127.0.0.1:40001/health', args: [], tlsSkipVerify: true },
      { checkId: 'c50-Hello-blue:disk', name: 'disk', type: 'script', intervalMs: 30_000, timeoutMs: 10_000, ttlMs: 100_000, script: 'checks/disk.sh', args: ['--port', '40001', '--min', '10'], tlsSkipVerify: false },
    ]);
  });

  it.each([
    [0, 'passing'],
    [1, 'warning'],
    [2, 'critical'],
    [null, 'critical'],
  ] as const)('script exit %j is %s', (code, status) => expect(scriptCheckStatus(code)).toBe(status));

  it.each([
    [200, 'passing'],
    [204, 'passing'],
    [429, 'warning'],
    [301, 'critical'],
    [503, 'critical'],
  ] as const)('http %i is %s', (code, status) => expect(httpCheckStatus(code)).toBe(status));
});
