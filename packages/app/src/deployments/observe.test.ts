import { describe, expect, it } from 'vitest';
import { tagsWithSavedSize } from '@envmgr/domain';
import { sleepOf } from './observe.js';

const size = (desired: number) => ({ min: 0, desired, max: 4 });
const member = (id: string, state: 'running' | 'stopped' | 'stopping' | 'terminated', lifecycleState: 'InService' | 'Standby' | 'Terminating' = 'InService') => ({ id, state, lifecycleState });

describe('sleepOf: how a group is switched off', () => {
  it('is undefined for a group whose members run in service', () => {
    expect(sleepOf({ tags: {}, size: size(2) }, [member('i-1', 'running'), member('i-2', 'running')])).toBeUndefined();
  });

  it('lists stopped members and members in Standby, and counts those still stopping', () => {
    const sleep = sleepOf({ tags: {}, size: size(0) }, [member('i-1', 'stopped', 'Standby'), member('i-2', 'running', 'Standby'), member('i-3', 'stopping', 'Standby'), member('i-4', 'terminated', 'Terminating')]);
    expect(sleep).toEqual({ stoppedInstanceIds: ['i-1'], standbyInstanceIds: ['i-1', 'i-2', 'i-3'], transitioning: 1 });
  });

  it('takes the size the scheduler saved when it scaled the group to zero, and only then', () => {
    const tags = tagsWithSavedSize({ Environment: 'c50' }, { min: 1, desired: 2, max: 3 });
    expect(sleepOf({ tags, size: size(0) }, [])).toEqual({ stoppedInstanceIds: [], standbyInstanceIds: [], transitioning: 0, savedSize: { min: 1, desired: 2, max: 3 } });
    // restored by hand already: the leftover tags do not make it asleep
    expect(sleepOf({ tags, size: size(2) }, [member('i-1', 'running')])).toBeUndefined();
  });
});
