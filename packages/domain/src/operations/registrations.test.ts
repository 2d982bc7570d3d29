import { describe, expect, it } from 'vitest';
import { aRegistration } from './fixtures.js';
import { runningInstanceOf, serviceOfRegistryName, summarizeHealth, worstState } from './registrations.js';

describe('serviceOfRegistryName', () => {
  it.each([
    ['c50', 'c50-Hello', { service: 'Hello', slice: 'none' }],
    ['c50', 'c50-Hello-blue', { service: 'Hello', slice: 'blue' }],
    ['c50', 'c50-Hello-green', { service: 'Hello', slice: 'green' }],
    ['c50', 'c50-my-svc-blue', { service: 'my-svc', slice: 'blue' }],
    ['c50', 'c50-blue', { service: 'blue', slice: 'none' }],
    ['c50', 'c5-Hello', undefined],
    ['c5', 'c50-Hello', undefined],
    ['c50', 'c50-', undefined],
    ['c50', 'envmgr', undefined],
  ])('%s / %s', (env, name, expected) => expect(serviceOfRegistryName(env, name)).toEqual(expected));
});

describe('runningInstanceOf', () => {
  it('reads service, slice, version, deployment and role from the agent’s tags', () => {
    expect(runningInstanceOf('c50', aRegistration({ slice: 'blue', version: '1.2.0', deploymentId: 'd9', node: 'i-7', port: 40101 }))).toEqual({
      instanceId: 'i-7',
      address: '10.0.0.1',
      port: 40101,
      serviceId: 'c50-Hello-blue',
      service: 'Hello',
      slice: 'blue',
      version: '1.2.0',
      deploymentId: 'd9',
      serverRole: 'Web',
      status: 'passing',
      checks: [{ checkId: 'c50-Hello-blue:health', name: 'health', status: 'passing', output: 'ok', notes: '' }],
    });
  });

  it('falls back on Meta when the tags lack version and deployment, and prefers the service address', () => {
    const reg = aRegistration({});
    reg.service.tags = [];
    reg.service.meta = { version: '2.0.0', deployment_id: 'm1' };
    reg.service.address = '127.0.0.2';
    expect(runningInstanceOf('c50', reg)).toMatchObject({ version: '2.0.0', deploymentId: 'm1', serverRole: undefined, address: '127.0.0.2' });
  });

  it('is undefined for another environment’s registration', () => {
    expect(runningInstanceOf('c51', aRegistration({}))).toBeUndefined();
  });

  it('takes the worst check; none counts as passing', () => {
    const reg = aRegistration({});
    reg.checks.push({ checkId: 'x', name: 'x', status: 'warning', output: '', notes: '' });
    expect(runningInstanceOf('c50', reg)?.status).toBe('warning');
    reg.checks = [];
    expect(runningInstanceOf('c50', reg)?.status).toBe('passing');
  });
});

describe('health', () => {
  it.each([
    [[], 'passing'],
    [['passing', 'passing'], 'passing'],
    [['passing', 'warning'], 'warning'],
    [['critical', 'warning', 'passing'], 'critical'],
  ] as const)('worst of %j is %s', (states, worst) => expect(worstState(states)).toBe(worst));

  it('summarizes instances by state', () => {
    expect(summarizeHealth([])).toEqual({ status: 'none', instances: 0, passing: 0, warning: 0, critical: 0 });
    expect(summarizeHealth([{ status: 'passing' }, { status: 'critical' }, { status: 'passing' }])).toEqual({ status: 'critical', instances: 3, passing: 2, warning: 0, critical: 1 });
  });
});
