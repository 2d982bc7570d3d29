import { useState } from 'react';
import type { ToggleResultDto } from '@envmgr/api-contract';
import { ConfirmButton } from '../components/confirm.js';
import { Problem } from '../components/problem.js';
import { useLoad } from '../components/use-load.js';
import { Link, pathOf } from '../router.js';
import { useClient, useSession } from '../session/session.js';
import { Health } from './environment-detail.js';

/** A service's slices in one environment (active or not, versions, health) and the traffic toggle. */
export function ServiceSlicesPage({ environment, service }: { environment: string; service: string }) {
  const client = useClient();
  const { can } = useSession();
  const slices = useLoad(() => client.serviceSlices(service, { environment }), [client, service, environment]);
  const [result, setResult] = useState<ToggleResultDto>();
  const mayToggle = can('PUT', `/services/${service}/slices/toggle`);
  const active = slices.data?.slices.find((s) => s.active === true)?.slice;
  return (
    <>
      <h1>
        {service} in <Link to={pathOf('environments', environment)}>{environment}</Link>
      </h1>
      <Problem error={slices.error} />
      {slices.data && (
        <table>
          <caption className="visually-hidden">Slices of {service}</caption>
          <thead>
            <tr>
              <th scope="col">Slice</th>
              <th scope="col">Traffic</th>
              <th scope="col">Versions</th>
              <th scope="col">Instances</th>
              <th scope="col">Health</th>
            </tr>
          </thead>
          <tbody>
            {slices.data.slices.map((s) => (
              <tr key={s.slice}>
                <th scope="row">{s.slice}</th>
                <td>{s.active === null ? 'no upstream' : s.active ? <strong>active</strong> : 'inactive'}</td>
                <td>{s.versions.join(', ') || '—'}</td>
                <td>{s.instances.length}</td>
                <td>
                  <Health status={s.health.status} /> {s.health.passing}/{s.health.instances} passing
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {slices.data && mayToggle && (
        <ConfirmButton
          label="Toggle slices"
          question={`Switch the traffic of ${service} in ${environment}${active ? ` from ${active} to ${active === 'blue' ? 'green' : 'blue'}` : ''}? Users are served by the other slice at once.`}
          confirmLabel="Toggle"
          onConfirm={async () => {
            setResult(await client.toggleServiceSlices(service, { environment }));
            slices.reload();
          }}
        />
      )}
      {result && (
        <p role="status">
          {result.Upstreams.map((u) => `${u.UpstreamName} now sends traffic to ${u.ActiveSlice}`).join('; ') || 'Nothing to toggle.'}
        </p>
      )}
    </>
  );
}
