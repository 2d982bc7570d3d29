import { useState, type FormEvent } from 'react';
import type { PermissionVerdict } from '@envmgr/api-contract';
import { Problem } from '../components/problem.js';
import { collect, useLoad } from '../components/use-load.js';
import { Link, pathOf } from '../router.js';
import { useClient, useSession } from '../session/session.js';

/**
 * Users, groups and permission sets (each edited with the configuration editor), passwords, and the policy
 * simulator. What the signed-in user may not change is not offered; the server still decides.
 */
export function AdminPage() {
  const client = useClient();
  const { can, state } = useSession();
  const data = useLoad(
    async () => ({
      users: await collect(client.listAll('users')),
      groups: await collect(client.listAll('groups')),
      sets: await collect(client.listAll('permissions')),
    }),
    [client],
  );
  const isAdmin = state.status === 'signed-in' && state.who.isAdmin;
  const newLink = (type: string, label: string) =>
    can('POST', `/config/${type}`) && (
      <p>
        <Link className="button" to={pathOf('config', 'new', type)}>
          New {label}
        </Link>
      </p>
    );
  return (
    <>
      <h1>Administration</h1>
      <p>
        <Link to="/tokens">API tokens</Link> · <Link to="/config">All configuration</Link>
      </p>
      <Problem error={data.error} />
      <section aria-labelledby="users">
        <h2 id="users">Users</h2>
        {newLink('users', 'user')}
        {data.data && (
          <table>
            <caption className="visually-hidden">Users</caption>
            <thead>
              <tr>
                <th scope="col">User</th>
                <th scope="col">Display name</th>
                <th scope="col">Source</th>
                <th scope="col">Groups</th>
                <th scope="col">Status</th>
              </tr>
            </thead>
            <tbody>
              {data.data.users.map((u) => (
                <tr key={u.UserName}>
                  <th scope="row">
                    <Link to={pathOf('config', 'users', u.UserName)}>{u.UserName}</Link>
                  </th>
                  <td>{u.Value.DisplayName ?? '—'}</td>
                  <td>{u.Value.Source ?? 'local'}</td>
                  <td>{u.Value.Groups?.join(', ') || '—'}</td>
                  <td>{u.Value.Disabled ? 'disabled' : 'active'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
        {data.data && <SetPassword users={data.data.users.filter((u) => (u.Value.Source ?? 'local') === 'local').map((u) => u.UserName)} />}
      </section>
      <section aria-labelledby="groups">
        <h2 id="groups">Groups</h2>
        {newLink('groups', 'group')}
        {data.data && data.data.groups.length === 0 && <p>No groups.</p>}
        {data.data && data.data.groups.length > 0 && (
          <table>
            <caption className="visually-hidden">Groups</caption>
            <thead>
              <tr>
                <th scope="col">Group</th>
                <th scope="col">Description</th>
                <th scope="col">LDAP groups</th>
                <th scope="col">Members</th>
              </tr>
            </thead>
            <tbody>
              {data.data.groups.map((g) => (
                <tr key={g.GroupName}>
                  <th scope="row">
                    <Link to={pathOf('config', 'groups', g.GroupName)}>{g.GroupName}</Link>
                  </th>
                  <td>{g.Value.Description ?? '—'}</td>
                  <td>{g.Value.LdapGroups?.join(', ') || '—'}</td>
                  <td>{data.data?.users.filter((u) => u.Value.Groups?.some((n) => n.toLowerCase() === g.GroupName.toLowerCase())).map((u) => u.UserName).join(', ') || '—'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
      <section aria-labelledby="permission-sets">
        <h2 id="permission-sets">Permission sets</h2>
        <p className="hint">A set is named after the user or group it applies to.</p>
        {newLink('permissions', 'permission set')}
        {data.data && data.data.sets.length === 0 && <p>No permission sets.</p>}
        {data.data && data.data.sets.length > 0 && (
          <table>
            <caption className="visually-hidden">Permission sets</caption>
            <thead>
              <tr>
                <th scope="col">For</th>
                <th scope="col">Permissions</th>
              </tr>
            </thead>
            <tbody>
              {data.data.sets.map((s) => (
                <tr key={s.Name}>
                  <th scope="row">
                    <Link to={pathOf('config', 'permissions', s.Name)}>{s.Name}</Link>
                  </th>
                  <td>
                    {s.Permissions.map((p, i) => (
                      <div key={i}>
                        <code>{p.Resource ? `${p.Access ?? '?'} ${p.Resource}` : p.Cluster ? `cluster ${p.Cluster}` : `environment type ${p.EnvironmentType ?? '?'}`}</code>
                      </div>
                    ))}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
      {isAdmin && <PolicySimulator />}
    </>
  );
}

function SetPassword({ users }: { users: string[] }) {
  const client = useClient();
  const { can, state } = useSession();
  const self = state.status === 'signed-in' ? state.who.user : undefined;
  const allowed = users.filter((u) => u === self || can('PUT', `/users/${u}/password`));
  const [user, setUser] = useState('');
  const [password, setPassword] = useState('');
  const [done, setDone] = useState('');
  const [error, setError] = useState<unknown>();
  if (allowed.length === 0) return null;
  const target = user || allowed[0] || '';
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setError(undefined);
    setDone('');
    try {
      await client.setPassword(target, password);
      setPassword('');
      setDone(`The password of ${target} is set.`);
    } catch (err) {
      setError(err);
    }
  };
  return (
    <form className="grid-form" onSubmit={(e) => void submit(e)} aria-labelledby="set-password">
      <h3 id="set-password">Set a password</h3>
      <label htmlFor="pw-user">User</label>
      <select id="pw-user" value={target} onChange={(e) => setUser(e.target.value)}>
        {allowed.map((u) => (
          <option key={u}>{u}</option>
        ))}
      </select>
      <label htmlFor="pw-new">New password (at least 12 characters)</label>
      <input id="pw-new" type="password" autoComplete="new-password" minLength={12} required value={password} onChange={(e) => setPassword(e.target.value)} />
      <div className="actions">
        <button type="submit">Set password</button>
      </div>
      <p role="status" aria-live="polite">
        {done}
      </p>
      <Problem error={error} />
    </form>
  );
}

const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'] as const;

/** Would this user or group be allowed a request: the server's own evaluation, with the deciding entries. */
function PolicySimulator() {
  const client = useClient();
  const [who, setWho] = useState({ kind: 'user' as 'user' | 'group', name: '' });
  const [method, setMethod] = useState<(typeof METHODS)[number]>('POST');
  const [resource, setResource] = useState('/deployments');
  const [verdict, setVerdict] = useState<PermissionVerdict>();
  const [error, setError] = useState<unknown>();
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setError(undefined);
    setVerdict(undefined);
    try {
      setVerdict(await client.evaluatePermissions({ [who.kind]: who.name, request: { method, resource } }));
    } catch (err) {
      setError(err);
    }
  };
  return (
    <section aria-labelledby="simulator">
      <h2 id="simulator">Check a permission</h2>
      <form className="grid-form" onSubmit={(e) => void submit(e)}>
        <label htmlFor="sim-kind">Who</label>
        <select id="sim-kind" value={who.kind} onChange={(e) => setWho({ ...who, kind: e.target.value === 'group' ? 'group' : 'user' })}>
          <option value="user">user</option>
          <option value="group">group</option>
        </select>
        <label htmlFor="sim-name">Name</label>
        <input id="sim-name" required value={who.name} onChange={(e) => setWho({ ...who, name: e.target.value })} />
        <label htmlFor="sim-method">Method</label>
        <select id="sim-method" value={method} onChange={(e) => setMethod(METHODS.find((m) => m === e.target.value) ?? 'GET')}>
          {METHODS.map((m) => (
            <option key={m}>{m}</option>
          ))}
        </select>
        <label htmlFor="sim-resource">Resource (path under /api/v1)</label>
        <input id="sim-resource" required value={resource} onChange={(e) => setResource(e.target.value)} />
        <div className="actions">
          <button type="submit">Check</button>
        </div>
      </form>
      <div aria-live="polite">
        {verdict && (
          <p>
            <strong>{verdict.allowed ? 'Allowed' : 'Not allowed'}</strong>
            {verdict.reason && `: ${verdict.reason}`}
          </p>
        )}
      </div>
      <Problem error={error} />
    </section>
  );
}
