import { useState, type FormEvent } from 'react';
import { DEPLOYMENT_STATES, type DeploymentStatus } from '@envmgr/api-contract';
import { Problem } from '../components/problem.js';
import { useLoad } from '../components/use-load.js';
import { Link, navigate, pathOf, useLocation } from '../router.js';
import { useClient, useSession } from '../session/session.js';

type StatusFilter = DeploymentStatus | 'active' | '';

/** Deployments, newest first, filtered by environment, service and state (kept in the URL). */
export function DeploymentsPage() {
  const client = useClient();
  const { can } = useSession();
  const { query } = useLocation();
  const environment = query.get('environment') ?? '';
  const service = query.get('service') ?? '';
  const status = (query.get('status') ?? '') as StatusFilter;
  const list = useLoad(
    () => client.deployments.list({ environment: environment || undefined, service: service || undefined, status: status ? [status] : undefined, limit: 100 }),
    [client, environment, service, status],
  );
  const [form, setForm] = useState({ environment, service, status });
  const apply = (e: FormEvent) => {
    e.preventDefault();
    const q = new URLSearchParams(Object.entries(form).filter(([, v]) => v !== ''));
    navigate(`/deployments${q.size ? `?${q.toString()}` : ''}`);
  };
  return (
    <>
      <h1>Deployments</h1>
      {can('POST', '/deployments') && (
        <p>
          <Link className="button primary" to="/deploy">
            New deployment
          </Link>
        </p>
      )}
      <form className="toolbar" role="search" aria-label="Filter deployments" onSubmit={apply}>
        <label htmlFor="f-env">Environment</label>
        <input id="f-env" value={form.environment} onChange={(e) => setForm({ ...form, environment: e.target.value })} />
        <label htmlFor="f-service">Service</label>
        <input id="f-service" value={form.service} onChange={(e) => setForm({ ...form, service: e.target.value })} />
        <label htmlFor="f-status">State</label>
        <select id="f-status" value={form.status} onChange={(e) => setForm({ ...form, status: e.target.value as StatusFilter })}>
          <option value="">any</option>
          <option value="active">in progress</option>
          {DEPLOYMENT_STATES.map((s) => (
            <option key={s}>{s}</option>
          ))}
        </select>
        <button type="submit">Filter</button>
      </form>
      <Problem error={list.error} />
      {list.data && list.data.items.length === 0 && <p>No deployments match.</p>}
      {list.data && list.data.items.length > 0 && (
        <table>
          <thead>
            <tr>
              <th scope="col">Deployment</th>
              <th scope="col">Service</th>
              <th scope="col">Version</th>
              <th scope="col">Environment</th>
              <th scope="col">Mode</th>
              <th scope="col">State</th>
              <th scope="col">Requested</th>
            </tr>
          </thead>
          <tbody>
            {list.data.items.map((d) => (
              <tr key={d.id}>
                <th scope="row">
                  <Link to={pathOf('deployments', d.id)}>{d.id.slice(0, 8)}</Link>
                </th>
                <td>{d.service}</td>
                <td>{d.version}</td>
                <td>{d.environment}</td>
                <td>
                  {d.mode}
                  {d.slice !== 'none' && ` (${d.slice})`}
                </td>
                <td>
                  <StatusBadge status={d.status} />
                </td>
                <td>
                  {new Date(d.requestedAt).toLocaleString()}
                  {d.requestedBy && ` by ${d.requestedBy}`}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </>
  );
}

export function StatusBadge({ status }: { status: DeploymentStatus }) {
  return <span className={`status status-${status}`}>{status}</span>;
}
