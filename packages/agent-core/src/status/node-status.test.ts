import { describe, expect, it } from 'vitest';
import { describeFailure, failedStatus, hasBeenAttempted, inProgressStatus, parseNodeStatus, successStatus, withCompletedStage } from './node-status.js';

describe('node status', () => {
  const started = inProgressStatus('2025-01-01T00:00:00.000Z');

  it('goes In Progress → stages → Success with stage Complete', () => {
    const s = successStatus(withCompletedStage(started, 'ValidateService'), { endTime: '2025-01-01T00:01:00.000Z', log: 'http://em/log' });
    expect(s).toEqual({
      Cause: 'Deployment',
      StartTime: '2025-01-01T00:00:00.000Z',
      EndTime: '2025-01-01T00:01:00.000Z',
      LastCompletedStage: 'Complete',
      Log: 'http://em/log',
      NumberOfAttempts: 1,
      Status: 'Success',
    });
    expect(parseNodeStatus(JSON.stringify(s))).toEqual(s);
  });

  it('records the failed stage and reason, keeping the last completed stage', () => {
    const s = failedStatus(withCompletedStage(started, 'ApplicationStart'), { endTime: 'e', log: '', stage: 'ValidateService', reason: 'r' });
    expect(s).toMatchObject({ Status: 'Failed', LastCompletedStage: 'ApplicationStart', FailedStage: 'ValidateService', ErrorReason: 'r', EndTime: 'e' });
    expect(parseNodeStatus(JSON.stringify(s))).toEqual(s);
  });

  it.each<[string | undefined, boolean]>([
    [undefined, false],
    ['not json', false],
    ['{"Status":"Weird"}', false],
    [JSON.stringify(started), true],
    [JSON.stringify({ ...started, NumberOfAttempts: 0 }), false],
  ])('attempted(%s) is %s', (text, attempted) => expect(hasBeenAttempted(parseNodeStatus(text))).toBe(attempted));

  it('describes a failure with the service, version, stage, instance and first output lines', () => {
    const reason = describeFailure({
      service: 'Hello',
      version: '1.2.0',
      serviceId: 'c50-Hello',
      instanceId: 'i-1',
      stage: 'ValidateService',
      message: 'hooks/validate.sh exited with code 1',
      outputLines: ['', 'first', 'second', '3', '4', '5', 'sixth'],
    });
    expect(reason).toBe('Hello 1.2.0 (c50-Hello) failed at ValidateService on i-1: hooks/validate.sh exited with code 1; output: "first" | "second" | "3" | "4" | "5"');
  });

  it('keeps a reason short', () => {
    const reason = describeFailure({ service: 'S', version: 'v', serviceId: 's', instanceId: 'i', stage: 'x', message: 'm'.repeat(5000) });
    expect(reason.length).toBe(2000);
  });
});
