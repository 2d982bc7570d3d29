import { useCallback, useState } from 'react';
import { Problem } from '../components/problem.js';
import { collect, useLoad } from '../components/use-load.js';
import { Link, pathOf } from '../router.js';
import { useClient, useSession } from '../session/session.js';
import { scheduleText, State } from './environments.js';
import { EnvironmentSchedule } from './environment-schedule.js';
import { Health, ServersView } from './servers-view.js';

/** One environment: its operations state and toggles, its schedule (with a what-if time) and its servers. */
export function EnvironmentPage({ name }: { name: string }) {
  const client = useClient();
  const { can } = useSession();
  const ops = useLoad(() => client.environmentOps(name), [client, name]);
  const servers = useLoad(() => client.environmentServers(name), [client, name]);
  const services = useLoad(() => client.environmentServices(name), [client, name]);
  // which instances are in maintenance: only asked for when the user may change it
  const mayMaintain = can('PUT', '/instances/any/maintenance');
  const maintenance = useLoad(
    async () => (mayMaintain ? new Set((await collect(client.listAllInstances({ environment: name, maintenance: true }))).map((i) => i.id)) : undefined),
    [client, name, mayMaintain],
  );
  const { reload: reloadServers } = servers;
  const { reload: reloadMaintenance } = maintenance;
  // stable, so the server groups already shown are not rendered again when the page re-renders
  const serversChanged = useCallback(() => {
    reloadServers();
    reloadMaintenance();
  }, [reloadServers, reloadMaintenance]);
  // the servers wait for the maintenance list (asked at the same time), so the rows render once, with its column
  const maintenanceSettled = !mayMaintain || maintenance.data !== undefined || maintenance.error !== undefined;
  const [error, setError] = useState<unknown>();
  const [reason, setReason] = useState('');
  const act = async (what: () => Promise<unknown>) => {
    setError(undefined);
    try {
      await what();
      ops.reload();
    } catch (err) {
      setError(err);
    }
  };
  const base = `/environments/${encodeURIComponent(name)}`;
  const o = ops.data;
  return (
    <>
      <h1>Environment {name}</h1>
      <Problem error={ops.error} />
      {can('POST', '/deployments') && (
        <p>
          <Link className="button primary" to={`/deploy?environment=${encodeURIComponent(name)}`}>
            Deploy to {name}
          </Link>
        </p>
      )}
      {o && (
        <section aria-labelledby="ops">
          <h2 id="ops">Operations</h2>
          <dl className="facts">
            <dt>Deployments</dt>
            <dd>
              <State on={o.deployLock.locked} onText="locked" offText="open" />
              {o.deployLock.locked && o.deployLock.lockedBy && ` by ${o.deployLock.lockedBy}`}
              {o.deployLock.reason && ` (${o.deployLock.reason})`}
            </dd>
            <dt>Maintenance</dt>
            <dd>
              <State on={o.maintenance.inMaintenance} onText="in maintenance" offText="no" />
              {o.maintenance.reason && ` (${o.maintenance.reason})`}
            </dd>
            <dt>Schedule</dt>
            <dd>{scheduleText(o.schedule)}</dd>
          </dl>
          <div className="toolbar">
            <label htmlFor="ops-reason">Reason (optional)</label>
            <input id="ops-reason" value={reason} maxLength={500} onChange={(e) => setReason(e.target.value)} />
            <button
              type="button"
              disabled={!can(o.deployLock.locked ? 'DELETE' : 'PUT', `${base}/deploy-lock`)}
              onClick={() => void act(() => (o.deployLock.locked ? client.unlockDeployments(name) : client.lockDeployments(name, reason || undefined)))}
            >
              {o.deployLock.locked ? 'Unlock deployments' : 'Lock deployments'}
            </button>
            <button
              type="button"
              disabled={!can('PUT', `${base}/maintenance`)}
              onClick={() => void act(() => client.setMaintenance(name, !o.maintenance.inMaintenance, reason || undefined))}
            >
              {o.maintenance.inMaintenance ? 'End maintenance' : 'Start maintenance'}
            </button>
          </div>
          <Problem error={error} />
        </section>
      )}
      <EnvironmentSchedule name={name} onChanged={ops.reload} />
      <section aria-labelledby="services">
        <h2 id="services">Services</h2>
        <Problem error={services.error} />
        {services.data && services.data.services.length === 0 && <p>No services deployed.</p>}
        {services.data && services.data.services.length > 0 && (
          <table>
            <thead>
              <tr>
                <th scope="col">Service</th>
                <th scope="col">Versions</th>
                <th scope="col">Slices</th>
                <th scope="col">Health</th>
              </tr>
            </thead>
            <tbody>
              {services.data.services.map((s) => (
                <tr key={s.service}>
                  <th scope="row">
                    <Link to={pathOf('environments', name, 'services', s.service)}>{s.service}</Link>
                  </th>
                  <td>{s.versions.join(', ') || '—'}</td>
                  <td>{s.slices.map((sl) => `${sl.slice}: ${sl.versions.join(', ') || '—'}`).join('; ') || '—'}</td>
                  <td>
                    <Health status={s.health.status} /> {s.health.passing}/{s.health.instances} passing
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
      <section aria-labelledby="servers">
        <h2 id="servers">Servers</h2>
        <Problem error={servers.error} />
        <Problem error={maintenance.error} />
        {servers.data && maintenanceSettled && <ServersView servers={servers.data} maintenance={maintenance.data} onChanged={serversChanged} />}
      </section>
    </>
  );
}

export { Health, ServersView } from './servers-view.js';
