import { describe, expect, it } from 'vitest';
import { renderTargetState } from '../deployments/target-state.js';
import { readTargetState, targetApplies, targetStateOfServerRole } from './target-state-view.js';
import { aTarget } from './fixtures.js';

const written = renderTargetState({
  deploymentId: 'd1',
  environment: 'c50',
  environmentType: 'Cluster',
  owningCluster: 'Infra',
  service: 'Hello',
  version: '1.0.0',
  slice: 'blue',
  runtimeServerRole: 'Web-blue',
  consulServiceName: 'c50-Hello-blue',
  ports: { blue: 8001, green: 8002 },
  packageBucket: 'b',
  packageKey: 'PACKAGES/Hello/1.0.0/Hello-1.0.0.zip',
  installationTimeoutMin: 20,
  expectedNodeDeployments: 3,
});

describe('readTargetState', () => {
  it('reads back what the deployment writes, ignoring keys outside the environment', () => {
    const view = readTargetState('c50', written);
    expect(view.problems).toEqual([]);
    expect(view.targets).toEqual([
      { role: 'Web-blue', service: 'Hello', slice: 'blue', version: '1.0.0', deploymentId: 'd1', instanceIds: [], action: 'Install', key: 'environments/c50/roles/Web-blue/services/Hello/blue' },
    ]);
    expect(view.services).toEqual([
      {
        service: 'Hello',
        version: '1.0.0',
        definition: { name: 'c50-Hello-blue', id: 'c50-Hello-blue', ports: { blue: 8001, green: 8002 }, tags: ['environment_type:Cluster', 'environment:c50', 'owning_cluster:Infra', 'version:1.0.0'] },
        installation: { packageBucket: 'b', packageKey: 'PACKAGES/Hello/1.0.0/Hello-1.0.0.zip', installationTimeoutMin: 20 },
      },
    ]);
  });

  it('reads values as leniently as the agent: any case of Action, defaults for Slice and InstanceIds, timeouts as text', () => {
    const view = readTargetState('c50', [
      { key: 'environments/c50/roles/Web/services/Hello/none', value: '{"Name":"hello","Version":"1.0.0","DeploymentId":"d1","Action":"uninstall"}' },
      { key: 'environments/c50/services/Hello/1.0.0/installation', value: '{"InstallationTimeout":"5"}' },
    ]);
    expect(view.targets).toMatchObject([{ service: 'hello', slice: 'none', instanceIds: [], action: 'Uninstall' }]);
    expect(view.services[0]?.installation).toEqual({ packageBucket: undefined, packageKey: undefined, installationTimeoutMin: 5 });
  });

  it('leaves out what the agents skip, and says why', () => {
    const view = readTargetState('c50', [
      { key: 'environments/c50/roles/Web/services/Hello/none', value: 'not json' },
      { key: 'environments/c50/roles/Web/services/Other/blue', value: '{"Name":"Hello","Version":"","DeploymentId":"d1","Slice":"green","Action":"Explode"}' },
      { key: 'environments/c50/services/Hello/1.0.0/definition', value: '[]' },
      { key: 'environments/c50/roles/Web/other-key', value: 'x' },
    ]);
    expect(view.targets).toEqual([]);
    expect(view.problems.map((p) => p.key)).toEqual([
      'environments/c50/roles/Web/services/Hello/none',
      'environments/c50/roles/Web/services/Other/blue.Name',
      'environments/c50/roles/Web/services/Other/blue.Version',
      'environments/c50/roles/Web/services/Other/blue.Slice',
      'environments/c50/roles/Web/services/Other/blue.Action',
      'environments/c50/services/Hello/1.0.0/definition',
    ]);
  });

  it('keeps one server role and its slice fleets', () => {
    const view = readTargetState('c50', [
      ...written,
      { key: 'environments/c50/roles/Api/services/Other/none', value: '{"Name":"Other","Version":"2.0.0","DeploymentId":"d2"}' },
      { key: 'environments/c50/services/Other/2.0.0/installation', value: '{}' },
    ]);
    const web = targetStateOfServerRole(view, 'web');
    expect(web.targets.map((t) => t.role)).toEqual(['Web-blue']);
    expect(web.services.map((s) => s.service)).toEqual(['Hello']);
    expect(targetStateOfServerRole(view, 'Api').services.map((s) => `${s.service} ${s.version}`)).toEqual(['Other 2.0.0']);
  });
});

describe('targetApplies', () => {
  it.each([
    [[], 'i-1', true],
    [['i-1', 'i-2'], 'i-2', true],
    [['i-1'], 'i-2', false],
  ])('InstanceIds %j, instance %s: %s', (ids, id, applies) => expect(targetApplies(aTarget({ instanceIds: ids }), id)).toBe(applies));
});
