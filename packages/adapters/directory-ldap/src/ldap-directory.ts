import { Client, FilterParser, InvalidCredentialsError, type Entry } from 'ldapts';
import { DependencyUnavailableError } from '@envmgr/domain';
import type { Directory, DirectoryUser } from '@envmgr/ports';
import { escapeDnValue, escapeFilterValue, fillTemplate } from './ldap-escape.js';

/** Users bind with a DN built from their name: `{user}` is replaced by the name, escaped as an RDN value. */
export interface DnTemplateLookup {
  /** e.g. `uid={user},ou=people,dc=example,dc=com`. */
  userDnTemplate: string;
}

/** A service account finds the user's DN first (search-then-bind), as Active Directory setups usually need. */
export interface SearchLookup {
  /** Where users are searched (subtree). */
  searchBase: string;
  /** `{user}` is replaced by the name, escaped for a filter. @default '(uid={user})' */
  searchFilter?: string;
  bindDn: string;
  bindPassword: string;
}

export type LdapDirectoryOptions = (DnTemplateLookup | SearchLookup) & {
  /** `ldap://host:port` or `ldaps://host:port`. */
  url: string;
  /** Where groups are searched (subtree). */
  groupBase: string;
  /**
   * Finds the groups a member belongs to. `{dn}` is the member's DN and `{user}` the user name, both escaped for a
   * filter. Nested groups are followed only when the filter uses `{dn}`. @default '(member={dn})'
   */
  groupFilter?: string;
  /** How many levels of groups-in-groups to follow above the user's direct groups; 0 for none. @default 3 */
  nestedGroupDepth?: number;
  /** Bound on connecting and on each LDAP operation. @default 5000 */
  timeoutMs?: number;
};

const DEFAULT_GROUP_FILTER = '(member={dn})';
const DEFAULT_SEARCH_FILTER = '(uid={user})';
/** Member DNs per `(|…)` search when following nested groups, to keep filters a sane size. */
const OR_CHUNK = 50;

/**
 * A Directory backed by an LDAP server (OpenLDAP, Active Directory) through ldapts. Each sign-in opens its own
 * connection, binds as the user to check the password, reads the entry and the `cn`s of its groups (nested ones
 * included, to `nestedGroupDepth`), and closes the connection. Throws TypeError on options that cannot work.
 */
export function createLdapDirectory(opts: LdapDirectoryOptions): Directory {
  const groupFilter = opts.groupFilter ?? DEFAULT_GROUP_FILTER;
  const depth = opts.nestedGroupDepth ?? 3;
  const timeoutMs = opts.timeoutMs ?? 5_000;
  checkOptions(opts, groupFilter);
  const secrets = 'bindPassword' in opts ? [opts.bindPassword] : [];

  return {
    async authenticate(username, password) {
      // an LDAP simple bind with an empty password is an unauthenticated bind, which servers answer with success
      if (username === '' || password === '') return undefined;
      const client = new Client({ url: opts.url, timeout: timeoutMs, connectTimeout: timeoutMs });
      try {
        const dn = await findUserDn(client, opts, username);
        if (dn === undefined) return undefined;
        if (!(await bindsAs(client, dn, password))) return undefined;
        // read as the service account when there is one: it may see groups a user may not
        if ('bindDn' in opts) await client.bind(opts.bindDn, opts.bindPassword);
        const entry = await readEntry(client, dn);
        const groups = await readGroups(client, { groupBase: opts.groupBase, groupFilter, depth, dn, username });
        return { dn, ...entry, groups };
      } catch (err) {
        throw unavailable(opts.url, err, [password, ...secrets]);
      } finally {
        await client.unbind().catch(() => undefined);
      }
    },
  };
}

function checkOptions(opts: LdapDirectoryOptions, groupFilter: string): void {
  if ('userDnTemplate' in opts && !opts.userDnTemplate.includes('{user}')) {
    throw new TypeError(`userDnTemplate '${opts.userDnTemplate}' has no {user} placeholder`);
  }
  const filters = [groupFilter, ...('searchBase' in opts ? [opts.searchFilter ?? DEFAULT_SEARCH_FILTER] : [])];
  for (const f of filters) {
    try {
      FilterParser.parseString(fillTemplate(f, { dn: 'cn=x', user: 'x' }));
    } catch (err) {
      throw new TypeError(`'${f}' is not a valid LDAP search filter: ${(err as Error).message}`);
    }
  }
  if (!Number.isInteger(opts.nestedGroupDepth ?? 0) || (opts.nestedGroupDepth ?? 0) < 0) {
    throw new TypeError(`nestedGroupDepth must be a whole number of at least 0, got ${String(opts.nestedGroupDepth)}`);
  }
}

/** The user's DN from the template, or by a search as the service account (undefined when not exactly one entry). */
async function findUserDn(client: Client, opts: LdapDirectoryOptions, username: string): Promise<string | undefined> {
  if ('userDnTemplate' in opts) return fillTemplate(opts.userDnTemplate, { user: escapeDnValue(username) });
  await client.bind(opts.bindDn, opts.bindPassword);
  const filter = fillTemplate(opts.searchFilter ?? DEFAULT_SEARCH_FILTER, { user: escapeFilterValue(username) });
  const { searchEntries } = await client.search(opts.searchBase, { scope: 'sub', filter, attributes: ['1.1'], sizeLimit: 2 });
  return searchEntries.length === 1 ? searchEntries[0]?.dn : undefined;
}

/** False for a wrong password or a DN the server does not know (both are "invalid credentials" in LDAP). */
async function bindsAs(client: Client, dn: string, password: string): Promise<boolean> {
  try {
    await client.bind(dn, password);
    return true;
  } catch (err) {
    if (err instanceof InvalidCredentialsError) return false;
    throw err;
  }
}

async function readEntry(client: Client, dn: string): Promise<Pick<DirectoryUser, 'displayName' | 'email'>> {
  const { searchEntries } = await client.search(dn, { scope: 'base', filter: '(objectClass=*)', attributes: ['displayName', 'cn', 'mail'] });
  const entry = searchEntries[0];
  if (!entry) return {};
  const displayName = firstString(entry, 'displayName') ?? firstString(entry, 'cn');
  const email = firstString(entry, 'mail');
  return { ...(displayName ? { displayName } : {}), ...(email ? { email } : {}) };
}

/**
 * The `cn`s of the groups `dn` is a member of, then of the groups those are members of, and so on to `depth`
 * levels. Each group is visited once, so membership cycles end.
 */
async function readGroups(
  client: Client,
  q: { groupBase: string; groupFilter: string; depth: number; dn: string; username: string },
): Promise<string[]> {
  const user = escapeFilterValue(q.username);
  const filterFor = (dn: string) => fillTemplate(q.groupFilter, { dn: escapeFilterValue(dn), user });
  const nests = q.groupFilter.includes('{dn}');
  const seen = new Set<string>([q.dn.toLowerCase()]);
  const names = new Map<string, string>();
  let frontier = [q.dn];
  for (let level = 0; level <= q.depth && frontier.length > 0; level++) {
    const next: string[] = [];
    for (let i = 0; i < frontier.length; i += OR_CHUNK) {
      const chunk = frontier.slice(i, i + OR_CHUNK).map(filterFor);
      const filter = chunk.length === 1 ? (chunk[0] as string) : `(|${chunk.join('')})`;
      const { searchEntries } = await client.search(q.groupBase, { scope: 'sub', filter, attributes: ['cn'] });
      for (const e of searchEntries) {
        if (seen.has(e.dn.toLowerCase())) continue;
        seen.add(e.dn.toLowerCase());
        next.push(e.dn);
        const cn = firstString(e, 'cn');
        if (cn && !names.has(cn.toLowerCase())) names.set(cn.toLowerCase(), cn);
      }
    }
    if (!nests) break;
    frontier = next;
  }
  return [...names.values()];
}

function firstString(entry: Entry, attribute: string): string | undefined {
  // ldapts keys attributes as the server spells them
  const key = Object.keys(entry).find((k) => k.toLowerCase() === attribute.toLowerCase());
  const value = key === undefined ? undefined : entry[key];
  const first = Array.isArray(value) ? value[0] : value;
  if (first === undefined) return undefined;
  const text = typeof first === 'string' ? first : first.toString('utf8');
  return text === '' ? undefined : text;
}

/** A failure of the directory itself, told without any password even if a server or library echoed one. */
function unavailable(url: string, err: unknown, secrets: string[]): DependencyUnavailableError {
  const raw = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
  const reason = secrets.filter((s) => s.length > 0).reduce((text, s) => text.split(s).join('***'), raw).slice(0, 300);
  return new DependencyUnavailableError(`the LDAP directory at ${url} could not check the sign-in (${reason}); try again later or ask an administrator`, { url }, { cause: err });
}
