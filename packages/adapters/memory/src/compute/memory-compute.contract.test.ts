import { computeContract } from '@envmgr/ports/testing';
import { createMemoryCompute } from './memory-compute.js';

computeContract('memory', async () => {
  const compute = createMemoryCompute();
  return { compute, settle: () => compute.settle(), convergeTimeoutMs: 2_000, dispose: () => compute.close() };
});
