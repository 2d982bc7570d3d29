import { useState, type FormEvent } from 'react';
import { createPackagesClient, type DeploymentPlanDto, type DeploymentRequestInput } from '@envmgr/api-contract';
import { Problem } from '../components/problem.js';
import { collect, useLoad } from '../components/use-load.js';
import { navigate, pathOf, useLocation } from '../router.js';
import { useClient } from '../session/session.js';

/** Requests a deployment: service, a version from the package store, environment, mode and slice; with a dry run. */
export function DeployPage() {
  const client = useClient();
  const { query } = useLocation();
  const choices = useLoad(
    async () => ({
      environments: (await collect(client.listAll('environments'))).map((e) => e.EnvironmentName),
      services: (await collect(client.listAll('services'))).map((s) => s.ServiceName),
    }),
    [client],
  );
  const [form, setForm] = useState({ environment: query.get('environment') ?? '', service: query.get('service') ?? '', version: '', mode: 'overwrite', slice: 'none' });
  const environment = form.environment || choices.data?.environments[0] || '';
  const service = form.service || choices.data?.services[0] || '';
  const versions = useLoad(
    async () => (service ? (await createPackagesClient({ baseUrl: window.location.origin }).listPackages(service)).map((p) => p.version).reverse() : []),
    [service],
  );
  const version = form.version || versions.data?.[0] || '';
  const [plan, setPlan] = useState<DeploymentPlanDto>();
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  const input = (): DeploymentRequestInput => ({ environment, service, version, mode: form.mode, slice: form.mode === 'bluegreen' ? form.slice : 'none' });
  const run = async (what: () => Promise<void>) => {
    setBusy(true);
    setError(undefined);
    try {
      await what();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  const preview = () => run(async () => setPlan(await client.deployments.dryRun(input())));
  const deploy = (e: FormEvent) => {
    e.preventDefault();
    void run(async () => navigate(pathOf('deployments', (await client.deployments.request(input())).id)));
  };
  const set = (k: keyof typeof form) => (e: { target: { value: string } }) => {
    setPlan(undefined);
    setForm({ ...form, [k]: e.target.value, ...(k === 'service' ? { version: '' } : {}) });
  };
  return (
    <>
      <h1>Deploy</h1>
      <Problem error={choices.error} />
      <form className="grid-form" onSubmit={deploy}>
        <label htmlFor="d-service">Service</label>
        <select id="d-service" value={service} onChange={set('service')}>
          {choices.data?.services.map((s) => <option key={s}>{s}</option>)}
        </select>
        <label htmlFor="d-version">Version</label>
        <select id="d-version" value={version} onChange={set('version')} aria-describedby="d-version-hint">
          {versions.data?.map((v) => <option key={v}>{v}</option>)}
        </select>
        <span id="d-version-hint" className="hint">
          {versions.data?.length === 0 ? 'No package of this service is stored: upload one first (envmgr package upload).' : 'From the package store, newest first.'}
        </span>
        <label htmlFor="d-env">Environment</label>
        <select id="d-env" value={environment} onChange={set('environment')}>
          {choices.data?.environments.map((e) => <option key={e}>{e}</option>)}
        </select>
        <label htmlFor="d-mode">Mode</label>
        <select id="d-mode" value={form.mode} onChange={set('mode')}>
          <option value="overwrite">overwrite</option>
          <option value="bluegreen">blue/green</option>
        </select>
        <label htmlFor="d-slice">Slice</label>
        <select id="d-slice" value={form.mode === 'bluegreen' ? form.slice : 'none'} onChange={set('slice')} disabled={form.mode !== 'bluegreen'}>
          {form.mode !== 'bluegreen' && <option value="none">none</option>}
          <option value="blue">blue</option>
          <option value="green">green</option>
        </select>
        <div className="actions">
          <button type="button" disabled={busy || !version} onClick={() => void preview()}>
            Preview plan
          </button>{' '}
          <button type="submit" className="primary" disabled={busy || !version}>
            Deploy
          </button>
        </div>
      </form>
      <Problem error={error} />
      {plan && <Plan plan={plan} />}
    </>
  );
}

function Plan({ plan }: { plan: DeploymentPlanDto }) {
  return (
    <section aria-labelledby="plan" aria-live="polite">
      <h2 id="plan">Plan (dry run: nothing was changed)</h2>
      <dl className="facts">
        <dt>Deploys</dt>
        <dd>
          {plan.service} {plan.version} to {plan.environment} ({plan.mode}, slice {plan.slice})
        </dd>
        <dt>Server role</dt>
        <dd>
          {plan.serverRole} (runs as {plan.runtimeServerRole}), owned by {plan.owningCluster}
        </dd>
        <dt>Group</dt>
        <dd>
          {plan.group.action === 'create' ? 'creates' : 'reuses'} {plan.group.name}, size {plan.group.size.min}/{plan.group.size.desired}/{plan.group.size.max};{' '}
          {plan.expectedInstances} instances expected
        </dd>
        <dt>Registry service</dt>
        <dd>{plan.consulServiceName}</dd>
        <dt>Target state</dt>
        <dd>
          <ul>
            {plan.targetState.map((w) => (
              <li key={w.key}>
                <code>{w.key}</code>
              </li>
            ))}
          </ul>
        </dd>
      </dl>
    </section>
  );
}
