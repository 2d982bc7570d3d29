export { matchesGlob } from './glob.js';
export {
  isClusterGrant,
  isEnvironmentTypeGrant,
  isResourcePermission,
  normaliseResource,
  type AccessDecision,
  type AccessDenialCode,
  type AccessRequest,
  type ClusterGrant,
  type EnvironmentTypeGrant,
  type MissingPermission,
  type NameList,
  type Permission,
  type PermissionAccess,
  type ResourcePermission,
} from './permission.js';
export { isAdmin, mergePermissionSets } from './permission-set.js';
export {
  authorize,
  evaluatePermissions,
  type DecidingEntry,
  type DecidingRole,
  type NearMiss,
  type PermissionEvaluation,
} from './evaluate-permissions.js';
