import {
  accessMismatchDetail,
  missingPermissionReason,
  protectedActionReason,
  scopeMismatchDetail,
  type Need,
  type ScopeGap,
  type Shortfall,
} from './denial-reason.js';
import { matchesGlob } from './glob.js';
import {
  allowsAccess,
  distinctNames,
  isAllKeyword,
  isClusterGrant,
  isEnvironmentTypeGrant,
  isLimited,
  isResourcePermission,
  normaliseResource,
  sameName,
  uncoveredBy,
  type AccessDecision,
  type AccessRequest,
  type Permission,
  type ResourcePermission,
} from './permission.js';

/** What an entry contributed to an allow. */
export type DecidingRole = 'resource' | 'cluster-grant' | 'environment-type-grant';

/** An entry of the evaluated list, by position, with the part it played. */
export interface DecidingEntry {
  readonly index: number;
  readonly permission: Permission;
  readonly role: DecidingRole;
}

/** An entry whose `Resource` matches the path but whose access (`access`) or clusters/types (`scope`) do not. */
export interface NearMiss {
  readonly index: number;
  readonly permission: ResourcePermission;
  readonly mismatch: 'access' | 'scope';
  /** Lower-case phrase completing "this entry …". */
  readonly detail: string;
}

/** `authorize`'s decision plus, for the policy simulator, the deciding entries (allow) or near misses (deny). */
export type PermissionEvaluation = AccessDecision & {
  readonly deciding: readonly DecidingEntry[];
  readonly nearMisses: readonly NearMiss[];
};

interface Entry<P extends Permission = Permission> {
  readonly index: number;
  readonly permission: P;
}

interface Grants {
  readonly entries: DecidingEntry[];
  readonly gap: ScopeGap;
}

/**
 * Decides a write against a permission list (SPEC §9). A protected action refuses everyone. Otherwise it is allowed
 * when an entry matches path and method and either (a) is limited and its own lists cover every required cluster and
 * type, or (b) is unlimited and `Cluster`/`EnvironmentType` grants cover them. Unlimited entries whose `Resource`
 * matches `/permissions/clusters/<x>` (`/permissions/environmenttypes/<x>`) grant cluster (type) x, so `**` grants
 * all. Names, paths, methods and `all` compare case-insensitively. There are no deny rules.
 */
export function authorize(permissions: readonly Permission[], req: AccessRequest): AccessDecision {
  const evaluation = evaluatePermissions(permissions, req);
  if (evaluation.allowed) return { allowed: true, by: evaluation.by };
  return { allowed: false, code: evaluation.code, reason: evaluation.reason, missing: evaluation.missing };
}

/** Same decision as `authorize`, explained entry by entry for the policy simulator (issue 4 item 8). */
export function evaluatePermissions(permissions: readonly Permission[], req: AccessRequest): PermissionEvaluation {
  const need: Need = {
    resource: normaliseResource(req.resource),
    access: req.method.toUpperCase(),
    clusters: distinctNames(req.clusters),
    environmentTypes: distinctNames(req.environmentTypes),
  };
  const guarded = req.protectedAction;
  if (guarded && guarded.protectedActions.some((a) => sameName(a, guarded.action))) {
    const reason = protectedActionReason(guarded.action, guarded.environmentType);
    return { allowed: false, code: 'protected-action', reason, missing: need, deciding: [], nearMisses: [] };
  }
  const entries = permissions.map((permission, index) => ({ permission, index }));
  const onPath = entries.filter(
    (e): e is Entry<ResourcePermission> =>
      isResourcePermission(e.permission) && matchesGlob(e.permission.Resource, need.resource),
  );
  const usable = onPath.filter((e) => allowsAccess(e.permission, need.access));
  const grants = findGrants(entries, need);
  for (const e of usable) {
    const self: DecidingEntry = { ...e, role: 'resource' };
    if (isLimited(e.permission) ? isEmpty(limitedGap(e.permission, need)) : isEmpty(grants.gap)) {
      const deciding = isLimited(e.permission) ? [self] : withoutRepeats([self, ...grants.entries]);
      return { allowed: true, by: deciding.map((d) => d.permission), deciding, nearMisses: [] };
    }
  }
  return deny(need, onPath, usable, grants);
}

function deny(need: Need, onPath: Entry<ResourcePermission>[], usable: Entry<ResourcePermission>[], grants: Grants): PermissionEvaluation {
  const gapOf = (e: Entry<ResourcePermission>): ScopeGap => (isLimited(e.permission) ? limitedGap(e.permission, need) : grants.gap);
  const nearMisses: NearMiss[] = onPath.map((e) =>
    usable.includes(e)
      ? { ...e, mismatch: 'scope', detail: scopeMismatchDetail(e.permission, gapOf(e), isLimited(e.permission)) }
      : { ...e, mismatch: 'access', detail: accessMismatchDetail(e.permission, need.access) },
  );
  const closest = usable.reduce<Entry<ResourcePermission> | undefined>(
    (best, e) => (best === undefined || size(gapOf(e)) < size(gapOf(best)) ? e : best),
    undefined,
  );
  const shortfall = shortfallOf(closest, onPath, grants, gapOf);
  const gap = closest === undefined ? need : gapOf(closest);
  const missing = { resource: need.resource, access: need.access, clusters: gap.clusters, environmentTypes: gap.environmentTypes };
  const reason = missingPermissionReason(need, shortfall);
  return { allowed: false, code: 'missing-permission', reason, missing, deciding: [], nearMisses };
}

function shortfallOf(
  closest: Entry<ResourcePermission> | undefined,
  onPath: Entry<ResourcePermission>[],
  grants: Grants,
  gapOf: (e: Entry<ResourcePermission>) => ScopeGap,
): Shortfall {
  if (closest === undefined) {
    if (onPath.length === 0) return { kind: 'no-resource' };
    return { kind: 'no-access', granted: distinctNames(onPath.flatMap((e) => (e.permission.Access ? [e.permission.Access] : []))) };
  }
  const gap = gapOf(closest);
  if (!isLimited(closest.permission)) return { kind: 'ungranted', gap };
  const grantsCoverGap =
    gap.clusters.every((c) => !grants.gap.clusters.includes(c)) &&
    gap.environmentTypes.every((t) => !grants.gap.environmentTypes.includes(t));
  return { kind: 'limited', permission: closest.permission, gap, grantsCoverGap };
}

/** The clusters and types a limited entry's own lists leave uncovered. */
function limitedGap(p: ResourcePermission, need: Need): ScopeGap {
  return {
    clusters: need.clusters.length === 0 ? [] : uncoveredBy(p.Clusters, need.clusters),
    environmentTypes: need.environmentTypes.length === 0 ? [] : uncoveredBy(p.EnvironmentTypes, need.environmentTypes),
  };
}

/** The first grant covering each required cluster and type, and the names none covers. */
function findGrants(pool: readonly Entry[], need: ScopeGap): Grants {
  const found: DecidingEntry[] = [];
  const gap = { clusters: [] as string[], environmentTypes: [] as string[] };
  for (const name of need.clusters) {
    const hit = pool.find((e) => grantsCluster(e.permission, name));
    if (hit) found.push({ index: hit.index, permission: hit.permission, role: 'cluster-grant' });
    else gap.clusters.push(name);
  }
  for (const name of need.environmentTypes) {
    const hit = pool.find((e) => grantsEnvironmentType(e.permission, name));
    if (hit) found.push({ index: hit.index, permission: hit.permission, role: 'environment-type-grant' });
    else gap.environmentTypes.push(name);
  }
  return { entries: found, gap };
}

function grantsCluster(p: Permission, name: string): boolean {
  if (isClusterGrant(p)) return isAllKeyword(p.Cluster) || sameName(p.Cluster, name);
  return isLegacyGrant(p, `/permissions/clusters/${name}`);
}

function grantsEnvironmentType(p: Permission, name: string): boolean {
  if (isEnvironmentTypeGrant(p)) return isAllKeyword(p.EnvironmentType) || sameName(p.EnvironmentType, name);
  return isLegacyGrant(p, `/permissions/environmenttypes/${name}`);
}

// Limited entries are not grants: `{Resource: "**", Clusters: ["a"]}` must not hand out every other cluster.
function isLegacyGrant(p: Permission, path: string): boolean {
  return isResourcePermission(p) && !isLimited(p) && matchesGlob(p.Resource, path);
}

const size = (gap: ScopeGap): number => gap.clusters.length + gap.environmentTypes.length;
const isEmpty = (gap: ScopeGap): boolean => size(gap) === 0;

function withoutRepeats(entries: DecidingEntry[]): DecidingEntry[] {
  return entries.filter((e, i) => entries.findIndex((o) => o.index === e.index) === i);
}
