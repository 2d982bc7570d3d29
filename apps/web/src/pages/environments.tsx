import { useState, type FormEvent } from 'react';
import type { EnvironmentOpsStatus, ItemOf } from '@envmgr/api-contract';
import { Problem } from '../components/problem.js';
import { collect, useLoad } from '../components/use-load.js';
import { Link, navigate, pathOf } from '../router.js';
import { useClient, useSession } from '../session/session.js';

interface Row {
  env: ItemOf<'environments'>;
  ops: EnvironmentOpsStatus | undefined;
}

/** Every environment with its type, owner, deploy lock, maintenance and schedule. */
export function EnvironmentsPage() {
  const client = useClient();
  const { can } = useSession();
  const rows = useLoad(async (): Promise<Row[]> => {
    const envs = await collect(client.listAll('environments'));
    return Promise.all(envs.map(async (env) => ({ env, ops: await client.environmentOps(env.EnvironmentName).catch(() => undefined) })));
  }, [client]);
  return (
    <>
      <h1>Environments</h1>
      <Problem error={rows.error} />
      {rows.data && rows.data.length === 0 && <p>No environments yet.</p>}
      {rows.data && rows.data.length > 0 && (
        <table>
          <caption className="visually-hidden">Environments</caption>
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Type</th>
              <th scope="col">Owner</th>
              <th scope="col">Deployments</th>
              <th scope="col">Maintenance</th>
              <th scope="col">Schedule</th>
            </tr>
          </thead>
          <tbody>
            {rows.data.map(({ env, ops }) => (
              <tr key={env.EnvironmentName}>
                <th scope="row">
                  <Link to={pathOf('environments', env.EnvironmentName)}>{env.EnvironmentName}</Link>
                </th>
                <td>{env.Value.EnvironmentType}</td>
                <td>{env.Value.OwningCluster}</td>
                <td>{ops ? <State on={ops.deployLock.locked} onText="locked" offText="open" /> : '?'}</td>
                <td>{ops ? <State on={ops.maintenance.inMaintenance} onText="in maintenance" offText="no" /> : '?'}</td>
                <td>{ops ? scheduleText(ops.schedule) : '?'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {can('POST', '/config/environments') && <NewEnvironment onCreated={rows.reload} />}
    </>
  );
}

export function State({ on, onText, offText }: { on: boolean; onText: string; offText: string }) {
  return <span className={on ? 'state state-on' : 'state'}>{on ? onText : offText}</span>;
}

export function scheduleText(s: EnvironmentOpsStatus['schedule']): string {
  if (s.manualScheduleUp) return 'always on';
  if (s.scheduleAutomatically) return s.defaultSchedule ? `automatic: ${s.defaultSchedule}` : 'automatic (no schedule)';
  return 'off';
}

function NewEnvironment({ onCreated }: { onCreated: () => void }) {
  const client = useClient();
  const choices = useLoad(
    async () => ({
      types: (await collect(client.listAll('environment-types'))).map((t) => t.EnvironmentType),
      clusters: (await collect(client.listAll('clusters'))).map((c) => c.ClusterName),
      maps: (await collect(client.listAll('deployment-maps'))).map((m) => m.DeploymentMapName),
    }),
    [client],
  );
  const [form, setForm] = useState({ name: '', type: '', cluster: '', map: '', description: '' });
  const [error, setError] = useState<unknown>();
  const set = (k: keyof typeof form) => (e: { target: { value: string } }) => setForm({ ...form, [k]: e.target.value });
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setError(undefined);
    const c = choices.data;
    const value = {
      EnvironmentType: form.type || c?.types[0] || '',
      OwningCluster: form.cluster || c?.clusters[0] || '',
      ...(form.map || c?.maps[0] ? { DeploymentMap: form.map || c?.maps[0] } : {}),
      ...(form.description ? { Description: form.description } : {}),
    };
    try {
      await client.create('environments', { EnvironmentName: form.name, Value: value });
      onCreated();
      navigate(pathOf('environments', form.name));
    } catch (err) {
      setError(err);
    }
  };
  const select = (id: string, label: string, key: 'type' | 'cluster' | 'map', options: string[] | undefined) => (
    <>
      <label htmlFor={id}>{label}</label>
      <select id={id} value={form[key]} onChange={set(key)}>
        {(options ?? []).map((o) => (
          <option key={o}>{o}</option>
        ))}
      </select>
    </>
  );
  return (
    <section aria-labelledby="new-env">
      <h2 id="new-env">New environment</h2>
      <Problem error={choices.error} />
      <form className="grid-form" onSubmit={(e) => void submit(e)}>
        <label htmlFor="env-name">Name</label>
        <input id="env-name" required value={form.name} onChange={set('name')} />
        {select('env-type', 'Environment type', 'type', choices.data?.types)}
        {select('env-cluster', 'Owning cluster', 'cluster', choices.data?.clusters)}
        {select('env-map', 'Deployment map', 'map', choices.data?.maps)}
        <label htmlFor="env-description">Description</label>
        <input id="env-description" value={form.description} onChange={set('description')} />
        <div className="actions">
          <button type="submit" className="primary">
            Create environment
          </button>
        </div>
      </form>
      <Problem error={error} />
    </section>
  );
}
