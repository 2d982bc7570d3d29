import { useState, type FormEvent } from 'react';
import type { SubscriptionCreatedDto } from '@envmgr/api-contract';
import { Problem } from '../components/problem.js';
import { SecretOnce } from '../components/secret-once.js';
import { useClient } from '../session/session.js';
import { EMPTY_FORM, EVENT_TYPE_SUGGESTIONS, requestOf, type SubscriptionForm } from './subscription-form.js';

/** The form that subscribes a webhook or email to events; a webhook's signing secret is shown once, here. */
export function NewSubscription({ onCreated }: { onCreated: () => void }) {
  const client = useClient();
  const [form, setForm] = useState<SubscriptionForm>(EMPTY_FORM);
  const [created, setCreated] = useState<SubscriptionCreatedDto>();
  const [error, setError] = useState<unknown>();
  const set = (field: keyof SubscriptionForm) => (e: { target: { value: string } }) => setForm({ ...form, [field]: e.target.value });
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setError(undefined);
    setCreated(undefined);
    try {
      setCreated(await client.createSubscription(requestOf(form)));
      setForm(EMPTY_FORM);
      onCreated();
    } catch (err) {
      setError(err);
    }
  };
  return (
    <section aria-labelledby="new-subscription">
      <h2 id="new-subscription">New subscription</h2>
      {created?.secret && (
        <SecretOnce key={created.secret} label="Signing secret" secret={created.secret} onDone={() => setCreated(undefined)}>
          <strong>Subscription {created.subscription.name} was made.</strong> Copy its signing secret now and give it to the receiver, which checks the <code>X-EM-Signature</code> header with it: it is not shown again.
        </SecretOnce>
      )}
      <form className="grid-form" onSubmit={(e) => void submit(e)}>
        <label htmlFor="sub-name">Name</label>
        <input id="sub-name" required maxLength={100} value={form.name} onChange={set('name')} />
        <label htmlFor="sub-events">Event types</label>
        <input id="sub-events" required list="sub-event-types" placeholder="deployment.failed, environment.*" aria-describedby="sub-events-hint" value={form.eventTypes} onChange={set('eventTypes')} />
        <datalist id="sub-event-types">
          {EVENT_TYPE_SUGGESTIONS.map((t) => (
            <option key={t} value={t} />
          ))}
        </datalist>
        <p id="sub-events-hint" className="hint">
          Comma- or space-separated: a type, a family such as <code>deployment.*</code>, or <code>*</code> for every type (the <code>subscription.*</code> ones must be named).
        </p>
        <label htmlFor="sub-environments">Environments (comma-separated; empty: all)</label>
        <input id="sub-environments" value={form.environments} onChange={set('environments')} />
        <label htmlFor="sub-clusters">Clusters (comma-separated; empty: all)</label>
        <input id="sub-clusters" value={form.clusters} onChange={set('clusters')} />
        <span id="sub-channel">Channel</span>
        <div role="radiogroup" aria-labelledby="sub-channel" className="toolbar">
          <input id="sub-kind-webhook" type="radio" name="sub-kind" checked={form.kind === 'webhook'} onChange={() => setForm({ ...form, kind: 'webhook' })} />
          <label htmlFor="sub-kind-webhook">Webhook</label>
          <input id="sub-kind-email" type="radio" name="sub-kind" checked={form.kind === 'email'} onChange={() => setForm({ ...form, kind: 'email' })} />
          <label htmlFor="sub-kind-email">Email</label>
        </div>
        {form.kind === 'webhook' ? (
          <>
            <label htmlFor="sub-url">Webhook URL</label>
            <input id="sub-url" type="url" required maxLength={2048} placeholder="https://hooks.example.com/em" value={form.url} onChange={set('url')} />
          </>
        ) : (
          <>
            <label htmlFor="sub-to">Email recipients (comma-separated; empty: the environment&apos;s owners)</label>
            <input id="sub-to" value={form.to} onChange={set('to')} />
          </>
        )}
        <div className="actions">
          <button type="submit" className="primary">
            Create subscription
          </button>
        </div>
      </form>
      <Problem error={error} />
    </section>
  );
}
