/** An access level of a resource permission. `ADMIN` means every method; `PATCH` is ours (EM kept it for ADMIN). */
export type PermissionAccess = 'POST' | 'PUT' | 'DELETE' | 'PATCH' | 'ADMIN';

/**
 * A `Clusters` / `EnvironmentTypes` limitation: a list of names, or `all` in any case. A lone string other than
 * `all` is read as a one-name list, so hand-edited EM data does not break evaluation.
 */
export type NameList = readonly string[] | string;

/**
 * Grants `Access` on every path `Resource` (a glob, see `matchesGlob`) matches. With `Clusters` or
 * `EnvironmentTypes` it is *limited*: it then meets a requirement only if its own lists cover every required
 * cluster and type (a missing list covers none), and `Cluster`/`EnvironmentType` grants do not widen it.
 * Without `Access` (EM's legacy `{Resource: "/permissions/clusters/x"}` grants) it grants no method.
 */
export interface ResourcePermission {
  readonly Resource: string;
  readonly Access?: PermissionAccess;
  readonly Clusters?: NameList;
  readonly EnvironmentTypes?: NameList;
}

/** Extends unlimited resource permissions to cluster `Cluster` (a name or `all`, any case). */
export interface ClusterGrant {
  readonly Cluster: string;
}

/** Extends unlimited resource permissions to environment type `EnvironmentType` (a name or `all`, any case). */
export interface EnvironmentTypeGrant {
  readonly EnvironmentType: string;
}

/** One entry of a permission set (SPEC §3.9). */
export type Permission = ResourcePermission | ClusterGrant | EnvironmentTypeGrant;

/** A write to be checked: who owns what it touches comes from the route's rule (SPEC §9 "Whose cluster/type"). */
export interface AccessRequest {
  /** HTTP method, any case; it is the access needed (an `ADMIN` permission allows every method). */
  readonly method: string;
  /** Path under `/api/v1`; a query string, fragment and trailing `/` are ignored. */
  readonly resource: string;
  readonly clusters: readonly string[];
  readonly environmentTypes: readonly string[];
  /** Set when the route performs a protectable action on an environment of `environmentType`. */
  readonly protectedAction?: {
    readonly action: string;
    readonly environmentType: string;
    /** The environment type's `ProtectedActions`. */
    readonly protectedActions: readonly string[];
  };
}

/** What a denied request would have needed; `clusters`/`environmentTypes` hold only the uncovered names. */
export interface MissingPermission {
  readonly resource: string;
  readonly access: string;
  readonly clusters: readonly string[];
  readonly environmentTypes: readonly string[];
}

export type AccessDenialCode = 'missing-permission' | 'protected-action';

export type AccessDecision =
  | { readonly allowed: true; readonly by: readonly Permission[] }
  | {
      readonly allowed: false;
      /** `protected-action`: nobody may do this, admins included. Branch on this, never on `reason`. */
      readonly code: AccessDenialCode;
      /** Lower-case sentence naming what is missing, for the 403 body. */
      readonly reason: string;
      readonly missing: MissingPermission;
    };

export const isResourcePermission = (p: Permission): p is ResourcePermission => 'Resource' in p;
export const isClusterGrant = (p: Permission): p is ClusterGrant => 'Cluster' in p;
export const isEnvironmentTypeGrant = (p: Permission): p is EnvironmentTypeGrant => 'EnvironmentType' in p;

/** Limited permissions meet requirements only through their own lists. */
export const isLimited = (p: ResourcePermission): boolean => p.Clusters !== undefined || p.EnvironmentTypes !== undefined;

export const sameName = (a: string, b: string): boolean => a.toLowerCase() === b.toLowerCase();
export const isAllKeyword = (value: string): boolean => sameName(value, 'all');

/** The names in `required` that `list` does not cover; `undefined` (no list) covers nothing. */
export function uncoveredBy(list: NameList | undefined, required: readonly string[]): string[] {
  if (list === undefined) return [...required];
  if (typeof list === 'string' && isAllKeyword(list)) return [];
  const names = typeof list === 'string' ? [list] : list;
  return required.filter((r) => !names.some((n) => sameName(n, r)));
}

/** Whether `p` allows HTTP method `access` (already upper-case). */
export function allowsAccess(p: ResourcePermission, access: string): boolean {
  if (p.Access === undefined) return false;
  const granted = p.Access.toUpperCase();
  return granted === 'ADMIN' || granted === access;
}

/** The path a permission is checked against: no query string, fragment or trailing `/` (the root stays `/`). */
export function normaliseResource(resource: string): string {
  const cut = resource.search(/[?#]/);
  const path = cut >= 0 ? resource.slice(0, cut) : resource;
  const trimmed = path.replace(/\/+$/, '');
  return trimmed === '' && path.startsWith('/') ? '/' : trimmed;
}

/**
 * Names without case-insensitive duplicates, first spelling kept. Blank names stay: a required owner that could not
 * be resolved must still be covered (only `all` or `**` does), never silently dropped.
 */
export function distinctNames(names: readonly string[]): string[] {
  const seen = new Set<string>();
  return names.filter((n) => {
    const key = n.toLowerCase();
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
