import { describe, expect, it } from 'vitest';
import { configOf, baseDocs, aRequest, T0 } from './fixtures.js';
import { planDeployment, targetStateWrites } from './plan-deployment.js';
import {
  nodeStatusKey,
  parseNodeStatusValue,
  renderTargetState,
  roleServiceKey,
  serviceDefinitionKey,
  serviceInstallationKey,
  type TargetStateInput,
} from './target-state.js';

// Literal JSON and keys copied from packages/agent-core's tests (target-state.test.ts, node-status.test.ts) and the
// agent's integration test: what the agent parses and writes. The domain cannot import agent-core, so these
// literals are the contract between the two copies.
const AGENT = {
  roleValue: '{"Name":"Hello","Version":"1.0.0","Slice":"none","DeploymentId":"d1","InstanceIds":[],"Action":"Install"}',
  installation: '{"PackageBucket":"b","PackageKey":"PACKAGES/Hello/1.0.0/Hello-1.0.0.zip","InstallationTimeout":20}',
  success:
    '{"Cause":"Deployment","StartTime":"2025-01-01T00:00:00.000Z","EndTime":"2025-01-01T00:01:00.000Z","LastCompletedStage":"Complete","Log":"http://em/log","NumberOfAttempts":1,"Status":"Success"}',
  failed:
    '{"Cause":"Deployment","StartTime":"2025-01-01T00:00:00.000Z","EndTime":"e","LastCompletedStage":"ApplicationStart","Log":"","NumberOfAttempts":1,"Status":"Failed","FailedStage":"ValidateService","ErrorReason":"Hello 1.2.0 (c50-Hello) failed at ValidateService on i-1: hooks/validate.sh exited with code 1; output: \\"first\\""}',
  inProgress: '{"Cause":"Deployment","StartTime":"2025-01-01T00:00:00.000Z","EndTime":null,"LastCompletedStage":"","Log":"","NumberOfAttempts":1,"Status":"In Progress"}',
  tracedRoleValue:
    '{"Name":"Hello","Version":"1.0.0","Slice":"none","DeploymentId":"d1","InstanceIds":[],"Action":"Install","TraceParent":"00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"}',
};
const TRACEPARENT = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';

const input: TargetStateInput = {
  deploymentId: 'd1',
  environment: 'c50',
  environmentType: 'Cluster',
  owningCluster: 'Infra',
  service: 'Hello',
  version: '1.0.0',
  slice: 'none',
  runtimeServerRole: 'Web',
  consulServiceName: 'c50-Hello',
  ports: { blue: 8001, green: 8002 },
  packageBucket: 'b',
  packageKey: 'PACKAGES/Hello/1.0.0/Hello-1.0.0.zip',
  installationTimeoutMin: 20,
  expectedNodeDeployments: 3,
};

describe('target state, byte-compatible with the agent', () => {
  it.each([
    [roleServiceKey('c50', 'Web-blue', 'Hello', 'blue'), 'environments/c50/roles/Web-blue/services/Hello/blue'],
    [serviceDefinitionKey('c50', 'Hello', '1.0.0'), 'environments/c50/services/Hello/1.0.0/definition'],
    [serviceInstallationKey('c50', 'Hello', '1.0.0'), 'environments/c50/services/Hello/1.0.0/installation'],
    [nodeStatusKey('d1', 'i-0abc'), 'deployments/d1/nodes/i-0abc'],
  ])('key %s', (actual, expected) => expect(actual).toBe(expected));

  it('writes the five keys of SPEC §5 item 3, the role key last, with exact values', () => {
    expect(renderTargetState(input)).toEqual([
      {
        key: 'environments/c50/services/Hello/1.0.0/definition',
        value:
          '{"Service":{"Name":"c50-Hello","ID":"c50-Hello","Address":"","Ports":{"blue":8001,"green":8002},"Tags":["environment_type:Cluster","environment:c50","owning_cluster:Infra","version:1.0.0"]}}',
      },
      { key: 'environments/c50/services/Hello/1.0.0/installation', value: AGENT.installation },
      { key: 'deployments/d1/service', value: '{"Name":"Hello","Version":"1.0.0","ServerRole":"Web","Environment":"c50","Action":"Install","ExpectedNodeDeployments":3}' },
      // EM writes a string value as plain text, not as a JSON string
      { key: 'deployments/d1/overall_status', value: 'In Progress' },
      { key: 'environments/c50/roles/Web/services/Hello/none', value: AGENT.roleValue },
    ]);
  });

  it('carries a valid traceparent in the role value, and nothing when it is absent or invalid', () => {
    expect(renderTargetState({ ...input, traceparent: TRACEPARENT })[4]?.value).toBe(AGENT.tracedRoleValue);
    expect(renderTargetState({ ...input, traceparent: 'ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01' })[4]?.value).toBe(AGENT.roleValue);
    expect(renderTargetState({ ...input, traceparent: '00-00000000000000000000000000000000-00f067aa0ba902b7-01' })[4]?.value).toBe(AGENT.roleValue);
    expect(renderTargetState({ ...input, traceparent: 'not a trace' })[4]?.value).toBe(AGENT.roleValue);
  });

  it('keeps the trace context of the request in the plan and in the writes the driver makes', () => {
    const planned = planDeployment(aRequest({ traceparent: TRACEPARENT }), configOf(baseDocs()), T0, 'd1');
    expect(planned.ok && planned.deployment.plan.traceparent).toBe(TRACEPARENT);
    const writes = planned.ok ? targetStateWrites(planned.deployment.plan, 'd1', 1) : [];
    expect(JSON.parse(writes[4]?.value ?? '{}')).toMatchObject({ DeploymentId: 'd1', TraceParent: TRACEPARENT });
    const untraced = planDeployment(aRequest({ traceparent: 'junk' }), configOf(baseDocs()), T0, 'd1');
    expect(untraced.ok && 'traceparent' in untraced.deployment.plan).toBe(false);
  });

  it('leaves Ports out of the definition of a service without ports (the agent then picks them)', () => {
    const { ports: _ports, ...noPorts } = input;
    expect(renderTargetState(noPorts)[0]?.value).toBe(
      '{"Service":{"Name":"c50-Hello","ID":"c50-Hello","Address":"","Tags":["environment_type:Cluster","environment:c50","owning_cluster:Infra","version:1.0.0"]}}',
    );
  });

  it('fills ExpectedNodeDeployments with the live count when a planned deployment writes', () => {
    const planned = planDeployment(aRequest(), configOf(baseDocs()), T0, 'd1');
    const writes = planned.ok ? targetStateWrites(planned.deployment.plan, 'd1', 7) : [];
    expect(writes[2]?.value).toBe('{"Name":"Hello","Version":"1.2.0","ServerRole":"Web","Environment":"c50","Action":"Install","ExpectedNodeDeployments":7}');
    expect(planned.ok && planned.deployment.plan.targetState[2]?.value).toContain('"ExpectedNodeDeployments":2');
  });

  it.each([
    ['Success', AGENT.success],
    ['Failed', AGENT.failed],
    ['In Progress', AGENT.inProgress],
  ])('reads the node status the agent writes: %s', (_status, text) => {
    const parsed = parseNodeStatusValue(text);
    expect(JSON.stringify(parsed)).toBe(text);
  });

  it.each([undefined, 'not json', '[1]', '{"Status":"Weird"}'])('treats %s as no status', (text) => {
    expect(parseNodeStatusValue(text)).toBeUndefined();
  });
});
