import { describe, expect, it } from 'vitest';
import { PermissionSchema } from './permission-set.js';

describe('PermissionSchema (§3.9)', () => {
  it.each([
    [{ Resource: '**', Access: 'ADMIN' }],
    [{ Resource: '/config/environments/*', Access: 'PATCH' }],
    [{ Resource: '**/deploy**', Access: 'POST', Clusters: 'all', EnvironmentTypes: ['prod', 'cluster'] }],
    [{ Cluster: 'all' }],
    [{ EnvironmentType: 'prod' }],
  ])('accepts %j', (p) => expect(PermissionSchema.parse(p)).toEqual(p));

  it.each([
    [{ Resource: '**', Access: 'post' }, [['Access']]],
    [{ Resource: '**', Access: 'PUT', Clusters: [] }, [['Clusters'], ['EnvironmentTypes']]],
    [{ Access: 'PUT', EnvironmentTypes: 'all' }, [['Resource'], ['Clusters']]],
    [{ Cluster: 'infra', EnvironmentType: 'prod' }, [['EnvironmentType']]],
    [{ Resource: '**', Access: 'PUT', Cluster: 'infra' }, [['Cluster']]],
    [{ Resource: 'a b', Access: 'PUT' }, [['Resource']]],
    [{}, [[]]],
  ])('rejects %j at every offending field', (p, paths) => {
    const issues = PermissionSchema.safeParse(p).error?.issues ?? [];
    expect(issues.map((i) => i.path)).toEqual(paths);
  });
});
