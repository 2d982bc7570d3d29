import { describe, expect, it } from 'vitest';
import type { AppSpec } from '../appspec/appspec.js';
import { processFailure, type ProcessResult } from '../ports/agent-ports.js';
import { hookEnvironment, hookTimeoutMs, lifecycleEventOf, planInstall } from './install-plan.js';

const spec = (over: Partial<AppSpec> = {}): AppSpec => ({ os: 'linux', files: [], permissions: [], hooks: {}, healthChecks: [], ...over });
const hook = (location: string) => ({ location });

describe('planInstall', () => {
  it('runs the previous ApplicationStop, then the new hooks in lifecycle order', () => {
    const next = spec({ hooks: { BeforeInstall: hook('b'), AfterInstall: hook('a'), ApplicationStart: hook('s'), ValidateService: hook('v'), ApplicationStop: hook('new-stop') } });
    const previous = spec({ hooks: { ApplicationStop: hook('old-stop') } });
    expect(planInstall(next, previous).map((s) => ('hook' in s && s.hook ? `${s.stage}:${s.hook.location}` : s.stage))).toEqual([
      'StopPreviousVersion:old-stop',
      'BeforeInstall:b',
      'CopyFiles',
      'ApplyPermissions',
      'AfterInstall:a',
      'ApplicationStart:s',
      'ValidateService:v',
      'RegisterService',
      'RegisterHealthChecks',
      'DeleteOldDeployments',
    ]);
  });

  it('has no stop step on a first install and steps without scripts for missing hooks', () => {
    const steps = planInstall(spec({ service: { command: ['node', 'x'] } }), undefined);
    expect(steps[0]).toEqual({ stage: 'BeforeInstall' });
    expect(steps.find((s) => s.stage === 'ApplicationStart')).toEqual({ stage: 'ApplicationStart', startsSupervised: true });
  });

  it('stops the previous supervised process', () => {
    expect(planInstall(spec(), spec({ service: { command: ['x'] } }))[0]).toEqual({ stage: 'StopPreviousVersion', stopsSupervised: true });
  });

  it.each([
    ['StopPreviousVersion', 'ApplicationStop'],
    ['ValidateService', 'ValidateService'],
    ['CopyFiles', undefined],
  ] as const)('lifecycle event of %s', (stage, event) => expect(lifecycleEventOf(stage)).toBe(event));
});

describe('hooks', () => {
  const ctx = { serviceId: 'c50-Hello-blue', archiveDir: '/d/archive', deploymentId: 'd1', slice: 'blue' as const, port: 40001, version: '1.1.0' };

  it('gives every hook the deployment, and all but ApplicationStop the slice, port and version', () => {
    expect(hookEnvironment('ValidateService', ctx)).toEqual({
      APPLICATION_ID: 'c50-Hello-blue',
      EM_SERVICE_NAME: 'c50-Hello-blue',
      DEPLOYMENT_BASE_DIR: '/d/archive',
      DEPLOYMENT_ID: 'd1',
      LIFECYCLE_EVENT: 'ValidateService',
      EM_SERVICE_SLICE: 'blue',
      EM_SERVICE_PORT: '40001',
      EM_SERVICE_VERSION: '1.1.0',
    });
    expect(Object.keys(hookEnvironment('ApplicationStop', ctx))).toEqual(['APPLICATION_ID', 'EM_SERVICE_NAME', 'DEPLOYMENT_BASE_DIR', 'DEPLOYMENT_ID', 'LIFECYCLE_EVENT']);
  });

  it('passes the deployment\'s trace context to every hook as TRACEPARENT, when there is one', () => {
    const traceparent = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';
    expect(hookEnvironment('BeforeInstall', { ...ctx, traceparent })['TRACEPARENT']).toBe(traceparent);
    expect(hookEnvironment('ApplicationStop', { ...ctx, traceparent })['TRACEPARENT']).toBe(traceparent);
    expect('TRACEPARENT' in hookEnvironment('BeforeInstall', ctx)).toBe(false);
  });

  it.each([
    [{ location: 'x', timeoutSec: 15 }, 20, 15_000],
    [{ location: 'x' }, 20, 1_200_000],
    [{ location: 'x' }, undefined, 3_600_000],
  ])('timeout of %j with installation timeout %j', (h, installationMin, ms) => expect(hookTimeoutMs(h, installationMin)).toBe(ms));

  const result = (over: Partial<ProcessResult>): ProcessResult => ({ outcome: 'exited', exitCode: 0, signal: null, firstLines: [], lastLines: [], durationMs: 1, ...over });
  it.each<[Partial<ProcessResult>, string | undefined]>([
    [{}, undefined],
    [{ exitCode: 3 }, 'h.sh exited with code 3'],
    [{ exitCode: null, signal: 'SIGSEGV' }, 'h.sh was killed by SIGSEGV'],
    [{ outcome: 'timed-out', exitCode: null }, 'h.sh timed out after 1.5 s and was killed'],
    [{ outcome: 'not-started', exitCode: null, error: 'EACCES' }, 'h.sh could not be started: EACCES'],
  ])('failure of %j', (over, message) => expect(processFailure(result(over), 'h.sh', 1500)).toBe(message));
});
