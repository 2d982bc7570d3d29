/**
 * Test data for the deployment tests of this folder (not exported from the package): a small valid configuration,
 * a planned deployment, observations and node statuses.
 */
import type { EntityType } from '../config/config-item.js';
import { ENTITIES } from '../config/entities.js';
import type { JsonObject } from '../json.js';
import type { DeploymentRequest, Observations } from './deployment.js';
import { planDeployment, type DeploymentConfigView } from './plan-deployment.js';
import type { NodeStatusValue } from './target-state.js';

export const T0 = Date.UTC(2025, 0, 1);
export const MIN = 60_000;

export const webRole = (over: JsonObject = {}): JsonObject => ({
  ServerRoleName: 'Web',
  OwningCluster: 'Infra',
  ContactEmailTag: 'infra@example.com',
  AMI: 'Ubuntu-22.04.1',
  InstanceType: 't3.medium',
  AutoScalingSettings: { MinCapacity: 1, DesiredCapacity: 2, MaxCapacity: 4 },
  Services: [{ ServiceName: 'Hello' }],
  ...over,
});

export const baseDocs = (roles: JsonObject[] = [webRole()]): JsonObject[] => [
  { EnvironmentName: 'c50', Value: { EnvironmentType: 'Cluster', OwningCluster: 'Infra', DeploymentMap: 'Std' } },
  {
    EnvironmentType: 'Cluster',
    Value: {
      AWSAccountNumber: '123456789012',
      DeploymentBucket: 'pkgs',
      Subnets: { PrivateApp: { AvailabilityZoneA: 's-a', AvailabilityZoneB: 's-b' }, PrivateSecure: { AvailabilityZoneA: 's-c', AvailabilityZoneB: 's-d', Secure: true } },
    },
  },
  { ClusterName: 'Infra', Value: { ShortName: 'IN', KeyPair: 'infra-key' } },
  { ServiceName: 'Hello', OwningCluster: 'Infra', Value: { BluePort: 40101, GreenPort: 40100 } },
  { DeploymentMapName: 'Std', Value: { DeploymentTarget: roles } },
];

const TYPES: EntityType[] = ['environments', 'environment-types', 'clusters', 'services', 'deployment-maps'];

/** A config view over wire documents; names are looked up ignoring case, as the stores do. */
export function configOf(docs: JsonObject[], extra: Partial<DeploymentConfigView> = {}): DeploymentConfigView {
  const typeOf = (doc: JsonObject): EntityType | undefined => TYPES.find((t) => ENTITIES[t].keyOf(doc) !== undefined);
  return {
    resolve: (type, key) => docs.find((d) => typeOf(d) === type && ENTITIES[type].keyOf(d)?.toLowerCase() === key.toLowerCase()),
    ...extra,
  };
}

export const aRequest = (over: Partial<DeploymentRequest> = {}): DeploymentRequest => ({ environment: 'c50', service: 'Hello', version: '1.2.0', ...over });

/** Plans deployment `d1` of Hello 1.2.0 to c50 (overwrite by default) at T0; tests unwrap it with `deploymentOf`. */
export function planFixture(over: Partial<DeploymentRequest> = {}, docs: JsonObject[] = baseDocs()): ReturnType<typeof planDeployment> {
  return planDeployment(aRequest(over), configOf(docs), T0, 'd1');
}

export function observations(over: Partial<Observations> = {}): Observations {
  return { runId: 'run-1', group: undefined, nodes: {}, health: {}, targetStatePresent: false, ...over };
}

/** Observations of the group with `ids` in service, the target state written. */
export const inGroup = (ids: string[], over: Partial<Observations> = {}): Observations =>
  observations({ group: { inServiceInstanceIds: ids, desiredCapacity: ids.length }, targetStatePresent: true, ...over });

export function nodeStatus(status: NodeStatusValue['Status'], over: Partial<NodeStatusValue> = {}): NodeStatusValue {
  return {
    Cause: 'Deployment',
    StartTime: '2025-01-01T00:00:10.000Z',
    EndTime: status === 'In Progress' ? null : '2025-01-01T00:01:00.000Z',
    LastCompletedStage: status === 'Success' ? 'Complete' : 'BeforeInstall',
    Log: status === 'In Progress' ? '' : 'http://em/logs/i-1',
    NumberOfAttempts: 1,
    Status: status,
    ...over,
  };
}
