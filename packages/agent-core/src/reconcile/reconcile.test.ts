import { describe, expect, it } from 'vitest';
import type { ServiceTarget } from '../target-state/target-state.js';
import { reconcile, type ActualState, type InstalledService } from './reconcile.js';

const target = (over: Partial<ServiceTarget> = {}): ServiceTarget => {
  const t: ServiceTarget = { key: '', service: 'Hello', version: '1.0.0', slice: 'none', deploymentId: 'd1', instanceIds: [], action: 'Install', ...over };
  return { ...t, key: over.key ?? `environments/c50/roles/Web/services/${t.service}/${t.slice}` };
};
const installed = (over: Partial<InstalledService> = {}): InstalledService => ({
  serviceId: 'c50-Hello',
  service: 'Hello',
  version: '1.0.0',
  slice: 'none',
  deploymentId: 'd1',
  ...over,
});
const run = (targets: ServiceTarget[], actual: Partial<ActualState> = {}) =>
  reconcile({ environment: 'c50', instanceId: 'i-1', targets }, { installed: [], attemptedDeploymentIds: [], ...actual }).map((a) =>
    a.kind === 'install' ? `install ${a.serviceId} ${a.target.deploymentId}${a.replaces ? ` over ${a.replaces.deploymentId}` : ''}` : `uninstall ${a.serviceId} (${a.reason})`,
  );

describe('reconcile', () => {
  it.each<[string, ServiceTarget[], Partial<ActualState>, string[]]>([
    ['installs a new target', [target()], {}, ['install c50-Hello d1']],
    ['names a slice in the service id', [target({ slice: 'blue' })], {}, ['install c50-Hello-blue d1']],
    ['does nothing when that deployment is installed', [target()], { installed: [installed()] }, []],
    ['upgrades over another deployment', [target({ deploymentId: 'd2', version: '1.1.0' })], { installed: [installed()] }, ['install c50-Hello d2 over d1']],
    ['reinstalls the same version under a new deployment id', [target({ deploymentId: 'd2' })], { installed: [installed()] }, ['install c50-Hello d2 over d1']],
    ['does not retry a deployment this node attempted', [target({ deploymentId: 'd2' })], { installed: [installed()], attemptedDeploymentIds: ['d2'] }, []],
    ['Ignore installs nothing', [target({ action: 'Ignore' })], {}, []],
    ['Ignore keeps an installed service', [target({ action: 'Ignore', deploymentId: 'd9' })], { installed: [installed()] }, []],
    ['Uninstall removes an installed service', [target({ action: 'Uninstall' })], { installed: [installed()] }, ['uninstall c50-Hello (action-uninstall)']],
    ['Uninstall of a service not installed does nothing', [target({ action: 'Uninstall' })], {}, []],
    ['a removed target uninstalls', [], { installed: [installed()] }, ['uninstall c50-Hello (target-removed)']],
    ['an entry for other instances counts as Ignore', [target({ instanceIds: ['i-2'] })], {}, []],
    ['an entry for this instance applies', [target({ instanceIds: ['i-2', 'i-1'] })], {}, ['install c50-Hello d1']],
    ['an entry for other instances keeps what is installed', [target({ instanceIds: ['i-2'], deploymentId: 'd2' })], { installed: [installed()] }, []],
  ])('%s', (_name, targets, actual, expected) => expect(run(targets, actual)).toEqual(expected));

  it('handles entries one at a time in key order, after removing services no entry names', () => {
    const actions = run(
      [
        target({ service: 'Zed', deploymentId: 'd3' }),
        target({ service: 'Alpha', deploymentId: 'd2' }),
        target({ service: 'Hello', slice: 'green', deploymentId: 'd4' }),
      ],
      { installed: [installed({ serviceId: 'c50-Old', service: 'Old', deploymentId: 'd0' }), installed({ serviceId: 'c50-Beta', service: 'Beta' })] },
    );
    expect(actions).toEqual(['uninstall c50-Beta (target-removed)', 'uninstall c50-Old (target-removed)', 'install c50-Alpha d2', 'install c50-Hello-green d4', 'install c50-Zed d3']);
  });

  it('takes each service id and each deployment id once per pass', () => {
    const actions = run([
      target({ key: 'a', service: 'Hello', deploymentId: 'd1' }),
      target({ key: 'b', service: 'Hello', deploymentId: 'd2' }),
      target({ key: 'c', service: 'Other', deploymentId: 'd1' }),
    ]);
    expect(actions).toEqual(['install c50-Hello d1']);
  });

  it('runs several services side by side', () => {
    const actions = run([target({ service: 'A', deploymentId: 'a1' }), target({ service: 'B', deploymentId: 'b1' })], {
      installed: [installed({ serviceId: 'c50-A', service: 'A', deploymentId: 'a1' })],
    });
    expect(actions).toEqual(['install c50-B b1']);
  });
});
