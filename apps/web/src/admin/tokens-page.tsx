import { useState, type FormEvent } from 'react';
import type { CreatedApiToken, PermissionEntry } from '@envmgr/api-contract';
import { ConfirmButton } from '../components/confirm.js';
import { Problem } from '../components/problem.js';
import { SecretOnce } from '../components/secret-once.js';
import { useLoad } from '../components/use-load.js';
import { useClient, useSession } from '../session/session.js';

/** API tokens: the user's own (administrators may look at another owner's), a new one shown once, and revoking. */
export function TokensPage() {
  const client = useClient();
  const { state } = useSession();
  const who = state.status === 'signed-in' ? state.who : undefined;
  const [owner, setOwner] = useState('');
  const [shownOwner, setShownOwner] = useState('');
  const tokens = useLoad(() => client.listTokens(shownOwner || undefined), [client, shownOwner]);
  // a token cannot mint tokens (403 token-cannot-mint), so the form is for password sign-ins only
  const canCreate = who?.kind === 'user' && !shownOwner;
  return (
    <>
      <h1>API tokens</h1>
      <p>A token signs in pipelines and scripts as you, with your permissions or fewer. Its secret is shown once, when it is made.</p>
      {who?.isAdmin && (
        <form
          className="toolbar"
          onSubmit={(e) => {
            e.preventDefault();
            setShownOwner(owner.trim());
          }}
        >
          <label htmlFor="token-owner">Owner</label>
          <input id="token-owner" placeholder={who.user ?? who.name} value={owner} onChange={(e) => setOwner(e.target.value)} />
          <button type="submit">Show</button>
        </form>
      )}
      {canCreate && <NewToken onCreated={tokens.reload} />}
      <section aria-labelledby="token-list">
        <h2 id="token-list">{shownOwner ? `Tokens of ${shownOwner}` : 'Your tokens'}</h2>
        <Problem error={tokens.error} />
        {tokens.data && tokens.data.length === 0 && <p>No tokens.</p>}
        {tokens.data && tokens.data.length > 0 && (
          <table>
            <caption className="visually-hidden">API tokens</caption>
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Id</th>
                <th scope="col">Created</th>
                <th scope="col">Expires</th>
                <th scope="col">Permissions</th>
                <th scope="col">State</th>
              </tr>
            </thead>
            <tbody>
              {tokens.data.map((t) => (
                <tr key={t.id}>
                  <th scope="row">{t.name}</th>
                  <td>
                    <code>{t.id}</code>
                  </td>
                  <td>{new Date(t.createdAt).toLocaleString()}</td>
                  <td>{t.expiresAt ? new Date(t.expiresAt).toLocaleString() : 'never'}</td>
                  <td>{t.permissions === null ? "all of the owner's" : `${t.permissions.length} entries`}</td>
                  <td>
                    {t.revokedAt ? (
                      `revoked ${new Date(t.revokedAt).toLocaleString()}`
                    ) : (
                      <ConfirmButton label="Revoke" danger question={<>Revoke token {t.name}? Whatever uses it stops working.</>} confirmLabel="Revoke" onConfirm={async () => {
                        await client.revokeToken(t.id);
                        tokens.reload();
                      }} />
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
    </>
  );
}

function NewToken({ onCreated }: { onCreated: () => void }) {
  const client = useClient();
  const [form, setForm] = useState({ name: '', days: '90', permissions: '' });
  const [created, setCreated] = useState<CreatedApiToken>();
  const [error, setError] = useState<unknown>();
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setError(undefined);
    let permissions: PermissionEntry[] | undefined;
    if (form.permissions.trim()) {
      try {
        permissions = JSON.parse(form.permissions) as PermissionEntry[];
      } catch {
        return setError('the permissions are not valid JSON: give a list such as [{"Resource": "/deployments", "Access": "POST"}]');
      }
    }
    try {
      setCreated(await client.createToken({ name: form.name, expiresInDays: Number(form.days), permissions }));
      setForm({ name: '', days: '90', permissions: '' });
      onCreated();
    } catch (err) {
      setError(err);
    }
  };
  return (
    <section aria-labelledby="new-token">
      <h2 id="new-token">New token</h2>
      {created && (
        <SecretOnce key={created.token} label="Token secret" secret={created.token} onDone={() => setCreated(undefined)}>
          <strong>Token {created.name} was made.</strong> Copy it now: it is not shown again.
        </SecretOnce>
      )}
      <form className="grid-form" onSubmit={(e) => void submit(e)}>
        <label htmlFor="token-name">What it is for</label>
        <input id="token-name" required maxLength={200} value={form.name} onChange={(e) => setForm({ ...form, name: e.target.value })} />
        <label htmlFor="token-days">Expires in days (1-366)</label>
        <input id="token-days" type="number" min={1} max={366} required value={form.days} onChange={(e) => setForm({ ...form, days: e.target.value })} />
        <label htmlFor="token-permissions">Limit to these permissions (JSON, optional)</label>
        <textarea id="token-permissions" className="json" rows={3} value={form.permissions} placeholder='[{"Resource": "/deployments", "Access": "POST"}]' onChange={(e) => setForm({ ...form, permissions: e.target.value })} />
        <div className="actions">
          <button type="submit" className="primary">
            Create token
          </button>
        </div>
      </form>
      <Problem error={error} />
    </section>
  );
}
