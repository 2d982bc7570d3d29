import { lockContract } from '@envmgr/ports/testing';
import { createInProcessLock } from './in-process-lock.js';

lockContract('in-process', async (clock) => ({ lock: createInProcessLock({ clock }), dispose: async () => {} }));
