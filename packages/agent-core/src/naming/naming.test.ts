import { describe, expect, it } from 'vitest';
import { deploymentLogKey, serviceIdOf, serviceTags, tagValue, type AgentIdentity } from './naming.js';

const identity: AgentIdentity = { instanceId: 'i-1', environment: 'c50', environmentType: 'Cluster', role: 'Web-blue', owningCluster: 'Infra' };

describe('naming', () => {
  it.each([
    ['none', 'c50-Hello'],
    ['blue', 'c50-Hello-blue'],
    ['green', 'c50-Hello-green'],
  ] as const)('service id for slice %s', (slice, id) => expect(serviceIdOf('c50', 'Hello', slice)).toBe(id));

  it('builds the log key of SPEC §6', () => {
    expect(deploymentLogKey({ environment: 'c50', serviceId: 'c50-Hello', instanceId: 'i-0abc', deploymentId: 'd-42' })).toBe(
      'c50/c50-Hello/deployment-i-0abc-d-42.log',
    );
  });

  it.each<[string, string[], string[]]>([
    [
      'without a definition: the instance tags, then the agent tags',
      [],
      ['environment_type:Cluster', 'environment:c50', 'owning_cluster:Infra', 'deployment_id:d1', 'server_role:Web-blue', 'slice:blue', 'version:1.1.0'],
    ],
    [
      "with a definition: its tags, with the agent's replacing version:",
      ['environment:c50', 'version:0.9.0', 'team:a'],
      ['environment:c50', 'team:a', 'deployment_id:d1', 'server_role:Web-blue', 'slice:blue', 'version:1.1.0'],
    ],
  ])('tags %s', (_name, definitionTags, expected) => {
    const tags = serviceTags({ identity, definitionTags, deploymentId: 'd1', slice: 'blue', version: '1.1.0' });
    expect(tags).toEqual(expected);
    expect(tagValue(tags, 'deployment_id')).toBe('d1');
    expect(tagValue(tags, 'missing')).toBeUndefined();
  });
});
