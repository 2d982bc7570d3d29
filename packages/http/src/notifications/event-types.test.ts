import { describe, expect, it } from 'vitest';
import { EVENT_TYPES } from '@envmgr/api-contract';
import { DOMAIN_EVENT_TYPES } from '@envmgr/domain';

// api-contract may import only zod, so it keeps its own list of event types (the web UI suggests them); this keeps
// it the domain's, plus the subscriptions' own changes
describe('event types', () => {
  it('are the domain event types and the subscription changes, in the API contract', () => {
    expect([...EVENT_TYPES]).toEqual([...DOMAIN_EVENT_TYPES, 'subscription.created', 'subscription.updated', 'subscription.deleted']);
  });
});
