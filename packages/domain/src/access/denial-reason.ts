import { isAllKeyword, type NameList, type ResourcePermission } from './permission.js';

/** Required clusters and environment types left uncovered. */
export interface ScopeGap {
  readonly clusters: readonly string[];
  readonly environmentTypes: readonly string[];
}

export interface Need extends ScopeGap {
  readonly resource: string;
  readonly access: string;
}

/** Why the closest candidate fell short; picks the sentence after "needs … ;". */
export type Shortfall =
  | { readonly kind: 'no-resource' }
  | { readonly kind: 'no-access'; readonly granted: readonly string[] }
  | { readonly kind: 'ungranted'; readonly gap: ScopeGap }
  | { readonly kind: 'limited'; readonly permission: ResourcePermission; readonly gap: ScopeGap; readonly grantsCoverGap: boolean };

/** The 403 sentence for a missing permission: what was needed, then what the caller lacks. */
export function missingPermissionReason(need: Need, shortfall: Shortfall): string {
  const head = `needs ${need.access} on ${need.resource}${forScope(need)}`;
  return `${head}; ${describeShortfall(need, shortfall)}`;
}

export function protectedActionReason(action: string, environmentType: string): string {
  return (
    `environment type '${environmentType}' is protected against ${action} operations; nobody may do this, admins ` +
    `included (remove ${action} from the type's ProtectedActions to allow it)`
  );
}

/** Near-miss detail for an entry that matches the path but not the method. */
export function accessMismatchDetail(p: ResourcePermission, access: string): string {
  const granted = p.Access === undefined ? 'grants no access (it only names a cluster or type)' : `grants ${p.Access}`;
  return `${granted} on ${p.Resource}, not ${access}`;
}

/** Near-miss detail for an entry that matches path and method but not the clusters or types. */
export function scopeMismatchDetail(p: ResourcePermission, gap: ScopeGap, isLimitedEntry: boolean): string {
  return isLimitedEntry
    ? `is limited to ${describeLimits(p, gap)}, which leaves out ${scopePhrase(gap)}`
    : `has no Clusters/EnvironmentTypes, and no Cluster or EnvironmentType grant covers ${scopePhrase(gap)}`;
}

function describeShortfall(need: Need, s: Shortfall): string {
  switch (s.kind) {
    case 'no-resource':
      return `none of your permissions matches ${need.resource}`;
    case 'no-access':
      return s.granted.length === 0
        ? `your permissions on ${need.resource} grant no method`
        : `your permissions on ${need.resource} allow only ${s.granted.join(', ')}`;
    case 'ungranted':
      return `you have no permission covering ${scopePhrase(s.gap)}`;
    case 'limited': {
      const hint = s.grantsCoverGap ? ' (Cluster and EnvironmentType grants widen only permissions without such limits)' : '';
      const p = s.permission;
      return `your permission ${p.Access ?? ''} on ${p.Resource} is limited to ${describeLimits(p, s.gap)}, which leaves out ${scopePhrase(s.gap)}${hint}`;
    }
  }
}

function forScope(gap: ScopeGap): string {
  const phrase = scopePhrase(gap);
  return phrase === '' ? '' : ` for ${phrase}`;
}

/** "cluster 'a' and environment types 'x', 'y'" (empty when both are empty). */
export function scopePhrase(gap: ScopeGap): string {
  return [named('cluster', 'clusters', gap.clusters), named('environment type', 'environment types', gap.environmentTypes)]
    .filter((part) => part !== '')
    .join(' and ');
}

function named(one: string, many: string, names: readonly string[]): string {
  if (names.length === 0) return '';
  return `${names.length === 1 ? one : many} ${names.map((n) => `'${n}'`).join(', ')}`;
}

/** The entry's lists, plus "no …" for a missing list that the gap shows was needed. */
function describeLimits(p: ResourcePermission, gap: ScopeGap): string {
  const parts = [
    p.Clusters !== undefined || gap.clusters.length > 0 ? listPhrase('clusters', p.Clusters) : '',
    p.EnvironmentTypes !== undefined || gap.environmentTypes.length > 0 ? listPhrase('environment types', p.EnvironmentTypes) : '',
  ];
  return parts.filter((part) => part !== '').join(' and ');
}

function listPhrase(noun: string, list: NameList | undefined): string {
  if (list === undefined) return `no ${noun}`;
  if (typeof list === 'string') return isAllKeyword(list) ? `all ${noun}` : `${noun} '${list}'`;
  return list.length === 0 ? `no ${noun}` : `${noun} ${list.map((n) => `'${n}'`).join(', ')}`;
}
