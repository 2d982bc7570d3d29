import { z } from 'zod';
import { closed, hint, list, name, oneOf, str } from './fields.js';

export const PERMISSION_ACCESS = ['POST', 'PUT', 'DELETE', 'PATCH', 'ADMIN'] as const;

// "all" is one literal, so the OpenAPI document can say so; the legacy import lower-cases EM's "All"/"ALL".
const scope = (what: string) => z.union([z.literal('all'), list(name(), 500, what).min(1)], hint(`must be "all" or a non-empty list of ${what}`));

const SHAPES = 'a permission is {Resource, Access} (optionally limited by both Clusters and EnvironmentTypes), {Cluster} or {EnvironmentType}';

/*
 * One object with optional fields rather than a union of three: zod reports a failed union as one "invalid input"
 * at the element, while this way each problem gets its own field path and message.
 */
export const PermissionSchema = closed({
  Resource: str('must be a glob over API paths of 1-1024 characters without spaces, e.g. /config/environments/* or **', {
    min: 1,
    max: 1024,
    pattern: /^\S+$/,
  }).optional(),
  Access: oneOf(PERMISSION_ACCESS).optional().meta({ description: 'an HTTP method, or ADMIN for any; upper case' }),
  Clusters: scope('cluster names').optional(),
  EnvironmentTypes: scope('environment type names').optional(),
  Cluster: name().optional().meta({ description: 'grants a cluster (or "all") to the unlimited permissions of the set' }),
  EnvironmentType: name().optional().meta({ description: 'grants an environment type (or "all") to the unlimited permissions of the set' }),
})
  .superRefine((p, ctx) => {
    const present = (k: keyof typeof p) => p[k] !== undefined;
    const problem = (path: string, message: string) => ctx.addIssue({ code: 'custom', path: [path], input: p, message });
    const isResource = present('Resource') || present('Access') || present('Clusters') || present('EnvironmentTypes');
    if (isResource) {
      if (!present('Resource')) problem('Resource', `is required: ${SHAPES}`);
      if (!present('Access')) problem('Access', `is required: one of ${PERMISSION_ACCESS.join(', ')}`);
      if (present('Clusters') !== present('EnvironmentTypes')) {
        const missing = present('Clusters') ? 'EnvironmentTypes' : 'Clusters';
        problem(missing, 'is required when the other limit is given; give both Clusters and EnvironmentTypes (either may be "all") or neither');
      }
      if (present('Cluster')) problem('Cluster', `must not be combined with Resource; ${SHAPES}`);
      if (present('EnvironmentType')) problem('EnvironmentType', `must not be combined with Resource; ${SHAPES}`);
    } else if (present('Cluster') && present('EnvironmentType')) {
      problem('EnvironmentType', `must be a separate permission from Cluster; ${SHAPES}`);
    } else if (!present('Cluster') && !present('EnvironmentType')) {
      ctx.addIssue({ code: 'custom', path: [], input: p, message: `is empty; ${SHAPES}` });
    }
    // Only field presence is inspected, so the shape can be checked even when a field's value failed.
  }, { when: (payload) => typeof payload.value === 'object' && payload.value !== null })
  .meta({
    id: 'Permission',
    description: `${SHAPES}. Names compare case-insensitively; "all" stands for every cluster or type.`,
  });
export type Permission = z.infer<typeof PermissionSchema>;

/** §3.9: the permissions of an LDAP user or group. Key: Name. */
export const PermissionSetSchema = closed({
  Name: name().meta({ description: 'the LDAP user or group the permissions belong to' }),
  Permissions: list(PermissionSchema, 500, 'permissions'),
}).meta({ id: 'PermissionSet', description: 'The permissions of an LDAP user or group (§3.9). There is no deny.' });
export type PermissionSet = z.infer<typeof PermissionSetSchema>;
