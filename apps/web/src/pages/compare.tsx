import { useState } from 'react';
import { Problem } from '../components/problem.js';
import { collect, useLoad } from '../components/use-load.js';
import { useClient } from '../session/session.js';

/** Two environments' versions side by side, service by service. */
export function ComparePage() {
  const client = useClient();
  const names = useLoad(async () => (await collect(client.listAll('environments'))).map((e) => e.EnvironmentName), [client]);
  const [pick, setPick] = useState<[string, string]>(['', '']);
  const a = pick[0] || names.data?.[0] || '';
  const b = pick[1] || names.data?.[1] || '';
  const ready = a !== '' && b !== '' && a !== b;
  const comparison = useLoad(async () => (ready ? client.compareEnvironments([a, b]) : undefined), [client, a, b, ready]);
  const select = (i: 0 | 1, id: string, label: string, value: string) => (
    <>
      <label htmlFor={id}>{label}</label>
      <select id={id} value={value} onChange={(e) => setPick(i === 0 ? [e.target.value, pick[1]] : [pick[0], e.target.value])}>
        {names.data?.map((n) => <option key={n}>{n}</option>)}
      </select>
    </>
  );
  return (
    <>
      <h1>Compare environments</h1>
      <Problem error={names.error} />
      <div className="toolbar">
        {select(0, 'cmp-a', 'First environment', a)}
        {select(1, 'cmp-b', 'Second environment', b)}
      </div>
      {!ready && <p>Choose two different environments{names.data && names.data.length < 2 ? ' (there must be at least two)' : ''}.</p>}
      <Problem error={comparison.error} />
      {ready && comparison.data && (
        <table>
          <thead>
            <tr>
              <th scope="col">Service</th>
              {comparison.data.environments.map((e) => (
                <th scope="col" key={e}>
                  {e} (target / running)
                </th>
              ))}
              <th scope="col">Same?</th>
            </tr>
          </thead>
          <tbody>
            {comparison.data.services.map((s) => (
              <tr key={s.service} className={s.differs ? 'differs' : undefined}>
                <th scope="row">{s.service}</th>
                {s.environments.map((e) => (
                  <td key={e.environment}>
                    {e.target.join(', ') || '—'} / {e.running.join(', ') || '—'}
                  </td>
                ))}
                <td>{s.differs ? <strong>differs</strong> : 'same'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </>
  );
}
