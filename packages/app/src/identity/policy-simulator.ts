import { evaluatePermissions, NotFoundError, ValidationError, type Actor, type Permission, type PermissionEvaluation } from '@envmgr/domain';
import type { ConfigStore } from '@envmgr/ports';
import { permissionsOf, toPermissions } from './actors.js';
import { requireAdmin } from './access.js';

export interface SimulationRequest {
  /** Whose permissions: given entries, a user (with their groups' sets), or a group's set. Exactly one. */
  subject: { permissions: Permission[] } | { user: string } | { group: string };
  request: { method: string; resource: string; clusters: string[]; environmentTypes: string[] };
}

/**
 * EM's policy simulator (administrators): would this subject be allowed this request, which entries decide it,
 * and which came close. Reads permissions exactly as a real request would.
 */
export async function simulatePermission(
  deps: { store: ConfigStore },
  actor: Actor,
  cmd: SimulationRequest,
): Promise<PermissionEvaluation & { evaluated: Permission[] }> {
  requireAdmin(actor, 'simulate permissions');
  const evaluated = await subjectPermissions(deps.store, cmd.subject);
  return { ...evaluatePermissions(evaluated, cmd.request), evaluated };
}

async function subjectPermissions(store: ConfigStore, subject: SimulationRequest['subject']): Promise<Permission[]> {
  if ('permissions' in subject) return subject.permissions;
  if ('user' in subject) {
    if (!(await store.get('users', subject.user))) throw new NotFoundError('user', subject.user);
    return (await permissionsOf(store, subject.user)).permissions;
  }
  if (!(await store.get('groups', subject.group))) throw new NotFoundError('group', subject.group);
  const set = await store.get('permissions', subject.group);
  if (!set) throw new ValidationError([{ path: 'group', message: `group '${subject.group}' has no permission set` }]);
  return toPermissions(set.data['Permissions']);
}
