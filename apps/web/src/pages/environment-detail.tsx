import { useState } from 'react';
import type { EnvironmentServersDto } from '@envmgr/api-contract';
import { Problem } from '../components/problem.js';
import { useLoad } from '../components/use-load.js';
import { Link, pathOf } from '../router.js';
import { useClient, useSession } from '../session/session.js';
import { scheduleText, State } from './environments.js';

/** One environment: its operations state and toggles, its schedule (with a what-if time) and its servers. */
export function EnvironmentPage({ name }: { name: string }) {
  const client = useClient();
  const { can } = useSession();
  const ops = useLoad(() => client.environmentOps(name), [client, name]);
  const servers = useLoad(() => client.environmentServers(name), [client, name]);
  const services = useLoad(() => client.environmentServices(name), [client, name]);
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
      <ScheduleWhatIf name={name} />
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
        {servers.data && <ServersView servers={servers.data} />}
      </section>
    </>
  );
}

export function Health({ status }: { status: string }) {
  return <span className={`health health-${status}`}>{status}</span>;
}

/** Groups, their instances and the services on each (version, slice, health). */
export function ServersView({ servers }: { servers: EnvironmentServersDto }) {
  if (servers.groups.length === 0) return <p>No server groups.</p>;
  return (
    <>
      {servers.groups.map((g) => (
        <table key={g.name} className="servers">
          <caption>
            Group <strong>{g.name}</strong> · role {g.role ?? '—'} · size {g.size.min}/{g.size.desired}/{g.size.max} · {g.converged ? 'converged' : 'not converged'}
          </caption>
          <thead>
            <tr>
              <th scope="col">Instance</th>
              <th scope="col">State</th>
              <th scope="col">Address</th>
              <th scope="col">Services (version, slice, health)</th>
            </tr>
          </thead>
          <tbody>
            {g.instances.map((i) => (
              <tr key={i.id}>
                <th scope="row">{i.name || i.id}</th>
                <td>
                  {i.state}
                  {i.lifecycle && ` · ${i.lifecycle}`}
                  {i.health && ` · ${i.health}`}
                </td>
                <td>{i.address ?? '—'}</td>
                <td>
                  {i.services.length === 0 && '—'}
                  {i.services.map((s) => (
                    <div key={s.serviceId}>
                      {s.service} {s.version ?? '?'} ({s.slice}) <Health status={s.status} />
                      {!s.matchesTarget && ' · differs from target'}
                    </div>
                  ))}
                  {i.differences.map((d) => (
                    <div key={d.message} className="hint">
                      {d.message}
                    </div>
                  ))}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ))}
    </>
  );
}

/** What the environment's schedule says now, or at a chosen time. */
function ScheduleWhatIf({ name }: { name: string }) {
  const client = useClient();
  const [at, setAt] = useState('');
  const iso = at ? new Date(at).toISOString() : undefined;
  const status = useLoad(() => client.scheduleStatus(name, iso), [client, name, iso]);
  return (
    <section aria-labelledby="schedule">
      <h2 id="schedule">Schedule status</h2>
      <div className="toolbar">
        <label htmlFor="what-if">What if the time were</label>
        <input id="what-if" type="datetime-local" value={at} onChange={(e) => setAt(e.target.value)} />
        {at && (
          <button type="button" onClick={() => setAt('')}>
            Now
          </button>
        )}
      </div>
      <Problem error={status.error} />
      {status.data && (
        <p aria-live="polite">
          <strong>{status.data.Status}</strong> at {new Date(status.data.at).toLocaleString()} ({status.data.source}: {status.data.schedule || 'no schedule'}) —{' '}
          {status.data.reason}
        </p>
      )}
    </section>
  );
}
