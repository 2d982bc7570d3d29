import { computeContract } from '@envmgr/ports/testing';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLocalCompute } from './local-compute.js';
import { createSleeperLauncher } from './testing.js';

computeContract('local', async () => {
  const root = await mkdtemp(join(tmpdir(), 'envmgr-compute-local-'));
  const launcher = createSleeperLauncher();
  const errors: unknown[] = [];
  const compute = createLocalCompute({ root, launcher, reconcileIntervalMs: 25, onError: (e) => errors.push(e) });
  return {
    compute,
    settle: () => compute.reconcile(),
    dispose: async () => {
      try {
        await compute.close();
      } finally {
        await launcher.killAll();
        await rm(root, { recursive: true, force: true });
      }
      if (errors.length > 0) throw new AggregateError(errors, 'background reconcile passes failed');
    },
  };
});
