import { describe, expect, it } from 'vitest';
import { CONFIG_TYPES } from '@envmgr/api-contract';
import { ENTITY_TYPES } from '@envmgr/domain';

// api-contract may import only zod, so it keeps its own list of configuration types; this keeps the two the same
describe('configuration types', () => {
  it('are the same, in the same order, in the API contract and the domain', () => {
    expect([...CONFIG_TYPES]).toEqual([...ENTITY_TYPES]);
  });
});
