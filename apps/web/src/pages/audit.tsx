import { useState, type FormEvent } from 'react';
import { CONFIG_TYPES, type AuditVerification, type ConfigType } from '@envmgr/api-contract';
import { Problem } from '../components/problem.js';
import { useLoad } from '../components/use-load.js';
import { Link, navigate, pathOf, useLocation } from '../router.js';
import { useClient } from '../session/session.js';

/** The change audit, newest first, filtered by type, key and actor (kept in the URL), with chain verification. */
export function AuditPage() {
  const client = useClient();
  const { query } = useLocation();
  const entityType = (query.get('type') ?? '') as ConfigType | '';
  const key = query.get('key') ?? '';
  const actor = query.get('actor') ?? '';
  const records = useLoad(
    () => client.audit({ entityType: entityType || undefined, key: key || undefined, actor: actor || undefined, limit: 100 }),
    [client, entityType, key, actor],
  );
  const [form, setForm] = useState({ type: entityType, key, actor });
  const [verified, setVerified] = useState<AuditVerification>();
  const [error, setError] = useState<unknown>();
  const apply = (e: FormEvent) => {
    e.preventDefault();
    const q = new URLSearchParams(Object.entries(form).filter(([, v]) => v !== ''));
    navigate(`/audit${q.size ? `?${q.toString()}` : ''}`);
  };
  const verify = async () => {
    setError(undefined);
    try {
      setVerified(await client.verifyAudit());
    } catch (err) {
      setError(err);
    }
  };
  return (
    <>
      <h1>Audit</h1>
      <form className="toolbar" role="search" aria-label="Filter the audit" onSubmit={apply}>
        <label htmlFor="a-type">Type</label>
        <select id="a-type" value={form.type} onChange={(e) => setForm({ ...form, type: e.target.value as ConfigType | '' })}>
          <option value="">any</option>
          {CONFIG_TYPES.map((t) => (
            <option key={t}>{t}</option>
          ))}
        </select>
        <label htmlFor="a-key">Key</label>
        <input id="a-key" value={form.key} onChange={(e) => setForm({ ...form, key: e.target.value })} />
        <label htmlFor="a-actor">Actor</label>
        <input id="a-actor" value={form.actor} onChange={(e) => setForm({ ...form, actor: e.target.value })} />
        <button type="submit">Filter</button>
        <button type="button" onClick={() => void verify()}>
          Verify chain
        </button>
      </form>
      <Problem error={error ?? records.error} />
      {verified && (
        <p role="status">
          {verified.ok ? `The audit chain is intact (${verified.checked} records checked).` : `The audit chain is broken at record ${verified.brokenAt?.seq}: ${verified.brokenAt?.reason}`}
        </p>
      )}
      <p className="hint">The last 24 hours unless filtered otherwise.</p>
      {records.data && records.data.items.length === 0 && <p>No changes match.</p>}
      {records.data && records.data.items.length > 0 && (
        <table>
          <thead>
            <tr>
              <th scope="col">When</th>
              <th scope="col">Who</th>
              <th scope="col">Change</th>
              <th scope="col">Item</th>
              <th scope="col">Version</th>
            </tr>
          </thead>
          <tbody>
            {records.data.items.map((r) => (
              <tr key={r.seq}>
                <td>{new Date(r.at).toLocaleString()}</td>
                <td>{r.actor}</td>
                <td>{r.changeType}</td>
                <th scope="row">
                  <Link to={pathOf('audit', r.entityType, r.key)}>
                    {r.entityType}/{r.key}
                  </Link>
                </th>
                <td>{r.version}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </>
  );
}
