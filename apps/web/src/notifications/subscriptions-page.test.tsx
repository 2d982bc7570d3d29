// @vitest-environment jsdom
import { cleanup, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ADMIN, problem, READER, type FakeRoutes } from '../testing/fake-api.js';
import { renderAt } from '../testing/render-app.js';

afterEach(cleanup);

const webhook = {
  id: 's1', name: 'dev1 failures', eventTypes: ['deployment.failed'], environments: ['dev1'], channel: { kind: 'webhook', url: 'https://hooks.example.com/em' },
  enabled: true, createdBy: 'admin', createdAt: '2026-11-23T12:00:00Z', version: 3,
};
const email = { id: 's2', name: 'owners', eventTypes: ['deployment.*', 'environment.locked'], clusters: ['Infra'], channel: { kind: 'email' }, enabled: false, createdBy: 'alice', createdAt: '2026-11-23T13:00:00Z', version: 1 };

const dead = (n: number, subscriptionId = 's1') => ({
  id: `dl${String(n).padStart(3, '0')}`, subscriptionId, eventSeq: n, eventId: `deployment.failed:d${n}`, eventType: 'deployment.failed', state: 'dead', attempts: 12,
  nextAttemptAtMs: 0, createdAtMs: 1_764_000_000_000, finishedAtMs: 1_764_000_600_000, lastError: `HTTP 503 from the receiver (${n})`,
});

/** The page's routes over a mutable list of subscriptions; `extra` adds or replaces routes. */
function routes(list: { current: Record<string, unknown>[] }, extra: FakeRoutes = {}): FakeRoutes {
  return {
    'GET /whoami': { body: ADMIN },
    'GET /subscriptions': () => ({ body: list.current }),
    'GET /subscriptions/deliveries': { body: [] },
    ...extra,
  };
}

describe('notifications page', () => {
  it('lists subscriptions with their filters and channels, and shows a new webhook secret once, never in the table', async () => {
    const list = { current: [webhook, email] as Record<string, unknown>[] };
    const sent: unknown[] = [];
    renderAt('/notifications', routes(list, {
      'POST /subscriptions': (body) => {
        sent.push(body);
        const made = { ...(body as object), id: 's3', enabled: true, createdBy: 'admin', createdAt: '2026-11-24T09:00:00Z', version: 1 };
        list.current = [...list.current, made];
        return { status: 201, body: { subscription: made, secret: 'whsec_0123456789abcdef' } };
      },
    }));
    const table = await screen.findByRole('table', { name: 'Subscriptions' });
    const owners = within(table).getByRole('row', { name: /^owners / });
    expect(owners.textContent).toContain('email to environment owners');
    expect(owners.textContent).toContain('deployment.*, environment.locked');
    expect(within(table).getByRole('row', { name: /^dev1 failures / }).textContent).toContain('https://hooks.example.com/em');
    expect(await screen.findByText('No dead letters.')).toBeTruthy();
    expect(screen.getByRole('link', { name: 'Notifications' }).getAttribute('aria-current')).toBe('page');

    const user = userEvent.setup();
    await user.type(screen.getByLabelText('Name'), 'prod alerts');
    await user.type(screen.getByLabelText('Event types'), 'deployment.failed, traffic.toggled schedule.action');
    await user.type(screen.getByLabelText(/^Environments/), 'prod1, prod2');
    expect(screen.getByRole<HTMLInputElement>('radio', { name: 'Webhook' }).checked).toBe(true);
    await user.type(screen.getByLabelText('Webhook URL'), 'http://127.0.0.1:9000/hook');
    await user.click(screen.getByRole('button', { name: 'Create subscription' }));

    expect((await screen.findByLabelText<HTMLInputElement>('Signing secret')).value).toBe('whsec_0123456789abcdef');
    expect(sent).toEqual([
      { name: 'prod alerts', eventTypes: ['deployment.failed', 'traffic.toggled', 'schedule.action'], environments: ['prod1', 'prod2'], channel: { kind: 'webhook', url: 'http://127.0.0.1:9000/hook' } },
    ]);
    const alert = screen.getByRole('alert');
    expect(alert.textContent).toContain('it is not shown again');
    await user.click(within(alert).getByRole('button', { name: 'Copy' }));
    expect(await navigator.clipboard.readText()).toBe('whsec_0123456789abcdef');
    await within(screen.getByRole('table', { name: 'Subscriptions' })).findByRole('row', { name: /^prod alerts / });
    expect(screen.getByRole('table', { name: 'Subscriptions' }).textContent).not.toContain('whsec_');
    await user.click(within(alert).getByRole('button', { name: 'Done' }));
    expect(screen.queryByLabelText('Signing secret')).toBeNull();
    expect(document.body.textContent).not.toContain('whsec_');
  });

  it('sends an email subscription without recipients to the owners, and shows a refused webhook URL at its field', async () => {
    const sent: unknown[] = [];
    renderAt('/notifications', routes({ current: [] }, {
      'POST /subscriptions': (body) => {
        sent.push(body);
        const channel = (body as { channel: { kind: string } }).channel;
        if (channel.kind === 'email') return { status: 201, body: { subscription: { ...email, ...(body as object), id: 's9' } } };
        return problem(400, 'validation-failed', 'the request is not valid', { errors: [{ path: 'channel.url', message: 'points at a link-local address (169.254.0.0/16)' }] });
      },
    }));
    const user = userEvent.setup();
    await screen.findByText('No subscriptions.');
    await user.type(screen.getByLabelText('Name'), 'metadata');
    await user.type(screen.getByLabelText('Event types'), '*');
    await user.type(screen.getByLabelText('Webhook URL'), 'http://169.254.169.254/latest');
    await user.click(screen.getByRole('button', { name: 'Create subscription' }));
    const refused = await screen.findByRole('alert');
    expect(refused.textContent).toContain('channel.url');
    expect(refused.textContent).toContain('points at a link-local address');
    expect(refused.textContent).toContain('validation-failed');
    // what was typed stays, to correct it
    expect(screen.getByLabelText<HTMLInputElement>('Name').value).toBe('metadata');

    await user.click(screen.getByRole('radio', { name: 'Email' }));
    await user.click(screen.getByRole('button', { name: 'Create subscription' }));
    await vi.waitFor(() => expect(sent).toHaveLength(2));
    expect(sent[1]).toEqual({ name: 'metadata', eventTypes: ['*'], channel: { kind: 'email' } });
    // an email subscription has no secret to show
    await vi.waitFor(() => expect(screen.queryByRole('alert')).toBeNull());
    expect(screen.queryByLabelText('Signing secret')).toBeNull();
  });

  it('disables with the version it read and the other fields as they are; a conflict says so and reloads', async () => {
    const list = { current: [webhook, email] as Record<string, unknown>[] };
    const puts: { headers: Record<string, string>; body: unknown }[] = [];
    renderAt('/notifications', routes(list, {
      'PUT /subscriptions/s1': (body, headers) => {
        puts.push({ headers: { ...headers }, body });
        if (headers['expected-version'] !== '3') return problem(409, 'version-conflict', "subscription 's1' is at version 4, not 3");
        list.current = [{ ...webhook, enabled: false, version: 4 }, email];
        return { body: { subscription: list.current[0] } };
      },
      'PUT /subscriptions/s2': () => {
        // someone else changed it meanwhile
        list.current = [list.current[0]!, { ...email, name: 'owners (renamed)', version: 2 }];
        return problem(409, 'version-conflict', "subscription 's2' is at version 2, not 1");
      },
    }));
    const user = userEvent.setup();
    await user.click(await screen.findByRole('button', { name: 'Disable dev1 failures' }));
    await screen.findByRole('button', { name: 'Enable dev1 failures' });
    expect(puts[0]?.headers['expected-version']).toBe('3');
    expect(puts[0]?.body).toEqual({ name: 'dev1 failures', eventTypes: ['deployment.failed'], environments: ['dev1'], channel: webhook.channel, enabled: false });
    expect(within(screen.getByRole('row', { name: /^dev1 failures / })).getByRole('cell', { name: 'no' })).toBeTruthy();

    await user.click(screen.getByRole('button', { name: 'Enable owners' }));
    const conflict = await screen.findByRole('alert');
    expect(conflict.textContent).toContain('Changed by someone else');
    expect(conflict.textContent).toContain('owners was changed since this list was loaded, so it was not enabled');
    await screen.findByRole('row', { name: /^owners \(renamed\) / });
  });

  it('deletes a subscription after a confirmation, with the version it read', async () => {
    const list = { current: [webhook, email] as Record<string, unknown>[] };
    const deleted: string[] = [];
    renderAt('/notifications', routes(list, {
      'DELETE /subscriptions/s2': (_body, headers) => {
        deleted.push(headers['expected-version'] ?? '');
        list.current = [webhook];
        return { status: 204 };
      },
    }));
    const user = userEvent.setup();
    const row = await screen.findByRole('row', { name: /^owners / });
    await user.click(within(row).getByRole('button', { name: 'Delete owners' }));
    expect(deleted).toEqual([]);
    const dialog = within(row).getByRole('alertdialog');
    expect(dialog.textContent).toContain('Delete subscription owners?');
    await user.click(within(dialog).getByRole('button', { name: 'Delete' }));
    expect(deleted).toEqual(['1']);
    await vi.waitFor(() => expect(screen.queryByRole('row', { name: /^owners / })).toBeNull());
    expect(screen.getByRole('row', { name: /^dev1 failures / })).toBeTruthy();
  });

  it('lists dead letters by pages of 50 with More, and a redelivered one leaves the list', async () => {
    const firstPage = Array.from({ length: 50 }, (_, i) => dead(i + 1));
    const redelivered: string[] = [];
    let pagesSent = 0;
    const fake = renderAt('/notifications', routes({ current: [webhook] }, {
      'GET /subscriptions/deliveries': () => ({ body: pagesSent++ === 0 ? firstPage : [dead(51, 'owner-chat-1a2b')] }),
      'POST /subscriptions/deliveries/dl002/redeliver': () => {
        redelivered.push('dl002');
        return { body: { ...dead(2), state: 'pending', attempts: 0 } };
      },
    }));
    const deliveries = vi.spyOn(fake.client, 'deliveries');
    const table = await screen.findByRole('table', { name: 'Dead letters' });
    expect(deliveries).toHaveBeenCalledWith({ state: 'dead', limit: 50 });
    const second = within(table).getByRole('row', { name: /deployment\.failed:d2 / });
    expect(second.textContent).toContain('dev1 failures');
    expect(second.textContent).toContain('HTTP 503 from the receiver (2)');

    const user = userEvent.setup();
    await user.click(within(second).getByRole('button', { name: 'Redeliver deployment.failed:d2 to dev1 failures' }));
    await vi.waitFor(() => expect(screen.queryByRole('button', { name: /^Redeliver deployment\.failed:d2 / })).toBeNull());
    expect(redelivered).toEqual(['dl002']);
    expect(document.body.textContent).toContain('deployment.failed (deployment.failed:d2) is queued again for dev1 failures.');

    await user.click(screen.getByRole('button', { name: 'More' }));
    // an owner endpoint's queue has no subscription name: its id is shown
    const more = await within(table).findByRole('row', { name: /deployment\.failed:d51 / });
    expect(more.textContent).toContain('owner-chat-1a2b');
    expect(deliveries).toHaveBeenLastCalledWith({ state: 'dead', limit: 50, after: 'dl050' });
    expect(within(table).getAllByRole('row')).toHaveLength(1 + 49 + 1);
    // a short page is the last one
    expect(screen.queryByRole('button', { name: 'More' })).toBeNull();
  });

  it('offers a reader no form and no enabled actions', async () => {
    renderAt('/notifications', { ...routes({ current: [webhook] }), 'GET /whoami': { body: READER } });
    expect(await screen.findByRole('button', { name: 'Disable dev1 failures' })).toHaveProperty('disabled', true);
    expect(screen.getByRole('button', { name: 'Delete dev1 failures' })).toHaveProperty('disabled', true);
    expect(screen.queryByRole('heading', { name: 'New subscription' })).toBeNull();
  });
});
