import {
  isAllKeyword,
  isClusterGrant,
  isLimited,
  isResourcePermission,
  type NameList,
  type Permission,
} from './permission.js';

/**
 * Whether the set makes its holder an administrator: it has `{Resource: "**", Access: "ADMIN"}` or an equivalent
 * (`/**`, more stars, any case, or limited to `all` clusters and `all` environment types). Admins are still refused
 * protected actions (SPEC §9).
 */
export function isAdmin(permissions: readonly Permission[]): boolean {
  return permissions.some(
    (p) =>
      isResourcePermission(p) &&
      /^\/?\*{2,}$/.test(p.Resource.trim()) &&
      p.Access?.toUpperCase() === 'ADMIN' &&
      (!isLimited(p) || (coversAll(p.Clusters) && coversAll(p.EnvironmentTypes))),
  );
}

const coversAll = (list: NameList | undefined): boolean => typeof list === 'string' && isAllKeyword(list);

/**
 * The permissions of a user: the union of the sets named after the user and each of its groups (SPEC §9), in the
 * order given, without entries that repeat an earlier one (names, access and `all` compared case-insensitively).
 * Nothing is widened or narrowed: there are no deny rules, so the union is the whole story.
 */
export function mergePermissionSets(sets: readonly (readonly Permission[])[]): Permission[] {
  const seen = new Set<string>();
  const merged: Permission[] = [];
  for (const p of sets.flat()) {
    const key = canonicalKey(p);
    if (seen.has(key)) continue;
    seen.add(key);
    merged.push(p);
  }
  return merged;
}

function canonicalKey(p: Permission): string {
  if (isResourcePermission(p)) {
    return JSON.stringify([
      'R',
      p.Resource.toLowerCase(),
      p.Access?.toUpperCase() ?? null,
      canonicalList(p.Clusters),
      canonicalList(p.EnvironmentTypes),
    ]);
  }
  if (isClusterGrant(p)) return JSON.stringify(['C', p.Cluster.toLowerCase()]);
  return JSON.stringify(['E', p.EnvironmentType.toLowerCase()]);
}

function canonicalList(list: NameList | undefined): string | string[] | null {
  if (list === undefined) return null;
  if (typeof list === 'string') return isAllKeyword(list) ? 'all' : [list.toLowerCase()];
  return [...new Set(list.map((n) => n.toLowerCase()))].sort();
}
