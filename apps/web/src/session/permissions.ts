import type { PermissionEntry, WhoAmI } from '@envmgr/api-contract';

export type WriteMethod = 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/**
 * Whether the signed-in actor holds a permission for `method` on `resource` (a path under /api/v1), as SPEC §9 reads
 * permissions: a `Resource` glob (case-insensitive; `*` within a segment, `**` anything, `?`, `{a,b}`) with the
 * method or `ADMIN` as `Access`. Only used to hide or disable what the user may not do: the server decides, also on
 * the clusters and environment types involved, and its 403 reason is shown when it refuses.
 */
export function canWrite(who: WhoAmI | undefined, method: WriteMethod, resource: string): boolean {
  if (!who || who.kind === 'anonymous') return false;
  const allowedBy = (entries: readonly PermissionEntry[]) => entries.some((p) => grants(p, method, resource));
  const own = who.isAdmin || allowedBy(who.permissions);
  // an API token may be limited to some of its owner's permissions
  return own && (who.tokenPermissions === undefined || allowedBy(who.tokenPermissions));
}

function grants(p: PermissionEntry, method: WriteMethod, resource: string): boolean {
  const glob = p['Resource'];
  const access = p['Access'];
  if (typeof glob !== 'string' || typeof access !== 'string') return false;
  const upper = access.toUpperCase();
  return (upper === 'ADMIN' || upper === method) && globToRegExp(glob).test(resource.replace(/\/+$/, ''));
}

const cache = new Map<string, RegExp>();

/** A case-insensitive, anchored regular expression for a permission glob. */
export function globToRegExp(glob: string): RegExp {
  const cached = cache.get(glob);
  if (cached) return cached;
  let out = '';
  let inBraces = false;
  for (let i = 0; i < glob.length; i++) {
    const ch = glob[i]!;
    if (ch === '*' && glob[i + 1] === '*') {
      out += '.*';
      i++;
    } else if (ch === '*') out += '[^/]*';
    else if (ch === '?') out += '[^/]';
    else if (ch === '{') {
      inBraces = true;
      out += '(?:';
    } else if (ch === '}' && inBraces) {
      inBraces = false;
      out += ')';
    } else if (ch === ',' && inBraces) out += '|';
    else out += ch.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }
  const re = new RegExp(`^${out}$`, 'i');
  cache.set(glob, re);
  return re;
}
