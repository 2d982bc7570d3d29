import { describe, expect, it } from 'vitest';
import type { NodeStatusValue } from '../deployments/target-state.js';
import { aRunning, aTarget } from './fixtures.js';
import { installationChecklist, slicesToCheck, type InstallationCheckInput } from './installation-check.js';

const success: NodeStatusValue = { Cause: 'Deployment', StartTime: 't0', EndTime: 't1', LastCompletedStage: 'Complete', Log: '', NumberOfAttempts: 1, Status: 'Success' };
const input = (p: Partial<InstallationCheckInput> = {}): InstallationCheckInput => ({
  instanceId: 'i-1',
  role: 'Web',
  service: 'Hello',
  slice: 'none',
  target: aTarget(),
  targetKey: 'environments/c50/roles/Web/services/Hello/none',
  nodeStatus: success,
  registration: aRunning(),
  ...p,
});
const verdicts = (p: Partial<InstallationCheckInput>) => installationChecklist(input(p)).items.map((i) => `${i.check}:${i.ok ? 'ok' : 'no'}`);

describe('installationChecklist', () => {
  it('holds when the target asks, the agent succeeded, and the version is registered and passing', () => {
    const c = installationChecklist(input());
    expect(c.ok).toBe(true);
    expect(c.missing).toEqual([]);
    expect(c.items.map((i) => i.detail)).toEqual([
      'the target state asks for 1.0.0 (deployment d1)',
      'the agent reported Success for deployment d1',
      'c50-Hello is registered at 10.0.0.1:40100 with version 1.0.0, deployment d1',
      '1 check passing',
    ]);
  });

  it.each([
    ['no target entry', { target: undefined, nodeStatus: undefined }, ['target-state:no', 'agent-report:no', 'registered:ok', 'healthy:ok']],
    ['an Ignore entry', { target: aTarget({ action: 'Ignore' }) }, ['target-state:no', 'agent-report:ok', 'registered:ok', 'healthy:ok']],
    ['an entry for other instances', { target: aTarget({ instanceIds: ['i-2'] }) }, ['target-state:no', 'agent-report:ok', 'registered:ok', 'healthy:ok']],
    ['no report yet', { nodeStatus: undefined, registration: undefined }, ['target-state:ok', 'agent-report:no', 'registered:no', 'healthy:no']],
    ['an install in progress', { nodeStatus: { ...success, Status: 'In Progress' as const, EndTime: null } }, ['target-state:ok', 'agent-report:no', 'registered:ok', 'healthy:ok']],
    ['an older version registered', { target: aTarget({ version: '1.1.0', deploymentId: 'd2' }) }, ['target-state:ok', 'agent-report:ok', 'registered:no', 'healthy:ok']],
    ['failing checks', { registration: aRunning({ status: 'critical' }) }, ['target-state:ok', 'agent-report:ok', 'registered:ok', 'healthy:no']],
  ])('%s', (_, p, expected) => expect(verdicts(p)).toEqual(expected));

  it('says what is missing, with the failed stage and reason', () => {
    const failed: NodeStatusValue = { ...success, Status: 'Failed', FailedStage: 'ValidateService', ErrorReason: 'hooks/validate.sh exited with code 1' };
    const c = installationChecklist(input({ nodeStatus: failed, registration: aRunning({ status: 'critical', output: 'HTTP 500' }) }));
    expect(c.ok).toBe(false);
    expect(c.missing).toEqual([
      'the agent reported Failed at ValidateService for deployment d1: hooks/validate.sh exited with code 1; a retry needs a new deployment',
      'health is critical: HTTP 500',
    ]);
  });

  it('names the missing key and an instance without a role', () => {
    expect(installationChecklist(input({ target: undefined })).missing[0]).toContain('no entry at environments/c50/roles/Web/services/Hello/none');
    expect(installationChecklist(input({ role: undefined })).missing[0]).toContain('no Role tag');
  });
});

describe('slicesToCheck', () => {
  const targets = [aTarget({ slice: 'blue' }), aTarget({ slice: 'green' }), aTarget({ role: 'Api', slice: 'none' })];
  it.each([
    ['the slice asked for', { slice: 'green' as const, role: 'Web' }, ['green']],
    ['the slices of the role’s entries', { slice: undefined, role: 'Web' }, ['blue', 'green']],
    ['none without entries', { slice: undefined, role: 'Other' }, ['none']],
    ['none without a role', { slice: undefined, role: undefined }, ['none']],
  ])('%s', (_, p, expected) => expect(slicesToCheck({ service: 'Hello', targets, ...p })).toEqual(expected));
});
