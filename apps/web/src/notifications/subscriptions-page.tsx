import { useMemo, useState } from 'react';
import { ApiError, type SubscriptionDto } from '@envmgr/api-contract';
import { ConfirmButton } from '../components/confirm.js';
import { Problem } from '../components/problem.js';
import { useLoad } from '../components/use-load.js';
import { useClient, useSession } from '../session/session.js';
import { DeadLetters } from './dead-letters.js';
import { NewSubscription } from './new-subscription.js';
import { filterText, withEnabled } from './subscription-form.js';

const isConflict = (err: unknown) => err instanceof ApiError && err.status === 409;

/** Subscriptions to EM's events (docs/notifications.md), a form for a new one, and the dead letters to redeliver. */
export function SubscriptionsPage() {
  const client = useClient();
  const { can } = useSession();
  const subs = useLoad(() => client.subscriptions(), [client]);
  const names = useMemo(() => new Map((subs.data ?? []).map((s) => [s.id, s.name])), [subs.data]);
  return (
    <>
      <h1>Notifications</h1>
      <p>
        A subscription sends the events it names to a signed webhook or by email. What cannot be delivered after every try is kept as a dead letter, below, to redeliver.
      </p>
      <section aria-labelledby="subscription-list">
        <h2 id="subscription-list">Subscriptions</h2>
        <Problem error={subs.error} />
        {subs.data && subs.data.length === 0 && <p>No subscriptions.</p>}
        {subs.data && subs.data.length > 0 && <SubscriptionTable subscriptions={subs.data} onChanged={subs.reload} />}
      </section>
      {can('POST', '/subscriptions') && <NewSubscription onCreated={subs.reload} />}
      <DeadLetters subscriptionNames={names} />
    </>
  );
}

function SubscriptionTable({ subscriptions, onChanged }: { subscriptions: SubscriptionDto[]; onChanged: () => void }) {
  const client = useClient();
  const { can } = useSession();
  const [busy, setBusy] = useState<string>();
  const [failure, setFailure] = useState<{ error: unknown; title?: string }>();
  const setEnabled = async (s: SubscriptionDto, enabled: boolean) => {
    setBusy(s.id);
    setFailure(undefined);
    try {
      await client.updateSubscription(s.id, s.version, withEnabled(s, enabled));
      onChanged();
    } catch (err) {
      if (!isConflict(err)) return setFailure({ error: err });
      setFailure({
        title: 'Changed by someone else:',
        error: `${s.name} was changed since this list was loaded, so it was not ${enabled ? 'enabled' : 'disabled'}. The list now shows it as it is: check it and try again.`,
      });
      onChanged();
    } finally {
      setBusy(undefined);
    }
  };
  const remove = async (s: SubscriptionDto) => {
    try {
      await client.deleteSubscription(s.id, s.version);
    } catch (err) {
      // show the current version, so the next try sends it; the confirmation keeps showing why this one failed
      if (isConflict(err)) onChanged();
      throw err;
    }
    onChanged();
  };
  return (
    <>
      <Problem error={failure?.error} title={failure?.title} />
      <table>
        <caption className="visually-hidden">Subscriptions</caption>
        <thead>
          <tr>
            <th scope="col">Name</th>
            <th scope="col">Event types</th>
            <th scope="col">Environments</th>
            <th scope="col">Clusters</th>
            <th scope="col">Channel</th>
            <th scope="col">Enabled</th>
            <th scope="col">Created</th>
            <th scope="col">Actions</th>
          </tr>
        </thead>
        <tbody>
          {subscriptions.map((s) => (
            <tr key={s.id}>
              <th scope="row">{s.name}</th>
              <td>{s.eventTypes.join(', ')}</td>
              <td>{filterText(s.environments)}</td>
              <td>{filterText(s.clusters)}</td>
              <td>{s.channel.kind === 'webhook' ? <>webhook <code>{s.channel.url}</code></> : `email to ${s.channel.to?.length ? s.channel.to.join(', ') : 'environment owners'}`}</td>
              <td>{s.enabled ? 'yes' : 'no'}</td>
              <td>
                {s.createdBy}, {new Date(s.createdAt).toLocaleString()}
              </td>
              <td>
                <button
                  type="button"
                  aria-label={`${s.enabled ? 'Disable' : 'Enable'} ${s.name}`}
                  disabled={busy === s.id || !can('PUT', `/subscriptions/${s.id}`)}
                  onClick={() => void setEnabled(s, !s.enabled)}
                >
                  {s.enabled ? 'Disable' : 'Enable'}
                </button>{' '}
                <ConfirmButton
                  label="Delete"
                  ariaLabel={`Delete ${s.name}`}
                  danger
                  disabled={!can('DELETE', `/subscriptions/${s.id}`)}
                  question={<>Delete subscription {s.name}? Its queued deliveries are dropped.</>}
                  confirmLabel="Delete"
                  onConfirm={() => remove(s)}
                />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </>
  );
}
