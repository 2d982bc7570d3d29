import { useState } from 'react';
import type { SavingsDto } from '@envmgr/api-contract';
import { Problem } from '../components/problem.js';
import { collect, useLoad } from '../components/use-load.js';
import { Link, navigate, pathOf, useLocation } from '../router.js';
import { useClient } from '../session/session.js';
import { BarChart, format, type Bar } from './bar-chart.js';

const PERIODS = { '1': 'the last 24 hours', '7': 'the last 7 days', '30': 'the last 30 days', '90': 'the last 90 days', custom: 'a chosen period' } as const;
type Period = keyof typeof PERIODS;
const isPeriod = (p: string | null): p is Period => p !== null && p in PERIODS;

/** What the scheduler saved against always-on, per environment and per cluster, over a period (kept in the URL). */
export function SavingsPage() {
  const client = useClient();
  const { query } = useLocation();
  const p = query.get('period');
  const period: Period = isPeriod(p) ? p : '7';
  const cluster = query.get('cluster') ?? '';
  const since = query.get('since') ?? '';
  const until = query.get('until') ?? '';
  const [form, setForm] = useState({ period, cluster, since, until });
  const range = rangeOf(period, since, until);
  const clusters = useLoad(async () => (await collect(client.listAll('clusters'))).map((c) => c.ClusterName), [client]);
  const savings = useLoad(() => client.savings({ cluster: cluster || undefined, ...range }), [client, cluster, range.since, range.until]);
  const apply = (e: { preventDefault: () => void }) => {
    e.preventDefault();
    const q = new URLSearchParams({ period: form.period });
    if (form.cluster) q.set('cluster', form.cluster);
    if (form.period === 'custom') {
      if (form.since) q.set('since', form.since);
      if (form.until) q.set('until', form.until);
    }
    navigate(`/savings?${q.toString()}`, { replace: true });
  };
  return (
    <>
      <h1>Savings</h1>
      <p>Instance-hours the scheduler switched off, against keeping every instance on, over {PERIODS[period]}.</p>
      <form className="toolbar" onSubmit={apply} aria-label="Period and cluster">
        <label htmlFor="sv-period">Period</label>
        <select id="sv-period" value={form.period} onChange={(e) => setForm({ ...form, period: isPeriod(e.target.value) ? e.target.value : '7' })}>
          {Object.entries(PERIODS).map(([k, label]) => (
            <option key={k} value={k}>
              {label}
            </option>
          ))}
        </select>
        {form.period === 'custom' && (
          <>
            <label htmlFor="sv-since">From</label>
            <input id="sv-since" type="datetime-local" value={form.since} onChange={(e) => setForm({ ...form, since: e.target.value })} />
            <label htmlFor="sv-until">Until</label>
            <input id="sv-until" type="datetime-local" value={form.until} onChange={(e) => setForm({ ...form, until: e.target.value })} />
          </>
        )}
        <label htmlFor="sv-cluster">Cluster</label>
        <select id="sv-cluster" value={form.cluster} onChange={(e) => setForm({ ...form, cluster: e.target.value })}>
          <option value="">all clusters</option>
          {(clusters.data ?? []).map((c) => (
            <option key={c}>{c}</option>
          ))}
        </select>
        <button type="submit">Show</button>
      </form>
      <Problem error={savings.error ?? clusters.error} />
      {savings.data && <SavingsReport savings={savings.data} />}
    </>
  );
}

function rangeOf(period: Period, since: string, until: string): { since?: string; until?: string } {
  if (period === 'custom') return { ...(since ? { since: new Date(since).toISOString() } : {}), ...(until ? { until: new Date(until).toISOString() } : {}) };
  // whole minutes, so the query (and the load it triggers) stays the same across renders
  const now = Math.floor(Date.now() / 60_000) * 60_000;
  return { since: new Date(now - Number(period) * 86_400_000).toISOString() };
}

export function byCluster(savings: SavingsDto): Bar[] {
  const totals = new Map<string, number>();
  for (const e of savings.environments) totals.set(e.cluster ?? '(none)', (totals.get(e.cluster ?? '(none)') ?? 0) + e.instanceHoursSaved);
  return [...totals].map(([label, value]) => ({ label, value: Math.round(value * 100) / 100 })).sort((a, b) => b.value - a.value);
}

function SavingsReport({ savings }: { savings: SavingsDto }) {
  const envs = [...savings.environments].sort((a, b) => b.instanceHoursSaved - a.instanceHoursSaved);
  return (
    <>
      <p aria-live="polite">
        <strong>{format(savings.instanceHoursSaved)} instance-hours</strong> saved by {savings.actions} scheduler actions from{' '}
        {new Date(savings.since).toLocaleString()} to {new Date(savings.until).toLocaleString()}.
      </p>
      <div className="chart-pair">
        <figure>
          <figcaption>Per environment</figcaption>
          <BarChart title="Instance-hours saved per environment" unit="h" bars={envs.map((e) => ({ label: e.environment, value: e.instanceHoursSaved }))} />
        </figure>
        <figure>
          <figcaption>Per cluster</figcaption>
          <BarChart title="Instance-hours saved per cluster" unit="h" bars={byCluster(savings)} />
        </figure>
      </div>
      {envs.length > 0 && (
        <table>
          <caption>Savings per environment</caption>
          <thead>
            <tr>
              <th scope="col">Environment</th>
              <th scope="col">Cluster</th>
              <th scope="col">Instance-hours saved</th>
              <th scope="col">Instances and groups switched off</th>
            </tr>
          </thead>
          <tbody>
            {envs.map((e) => (
              <tr key={e.environment}>
                <th scope="row">
                  <Link to={pathOf('environments', e.environment)}>{e.environment}</Link>
                </th>
                <td>{e.cluster ?? '—'}</td>
                <td className="num">{format(e.instanceHoursSaved)}</td>
                <td className="num">{e.subjects}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </>
  );
}
