// @vitest-environment jsdom
import { cleanup, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it } from 'vitest';
import { ADMIN, problem, READER, type FakeRoutes } from '../testing/fake-api.js';
import { renderAt } from '../testing/render-app.js';


afterEach(cleanup);

const token = { id: 'abc123', owner: 'admin', name: 'ci', permissions: null, createdAt: '2026-11-23T12:00:00Z', expiresAt: '2027-02-21T12:00:00Z', revokedAt: null };

describe('API tokens', () => {
  it('shows a new token once, with a copy button, and revokes one after a confirmation', async () => {
    let list: Record<string, unknown>[] = [token];
    const revoked: string[] = [];
    renderAt('/tokens', {
      'GET /whoami': { body: ADMIN },
      'GET /tokens': () => ({ body: list }),
      'POST /tokens': (body) => {
        const made = { ...token, id: 'new1', name: (body as { name: string }).name, token: 'emt_new1_s3cret' };
        list = [made, ...list];
        return { status: 201, body: made };
      },
      'DELETE /tokens/abc123': () => {
        revoked.push('abc123');
        list = list.map((t) => (t.id === 'abc123' ? { ...t, revokedAt: '2026-11-24T00:00:00Z' } : t));
        return { status: 204 };
      },
    });
    const user = userEvent.setup();
    await user.type(await screen.findByLabelText('What it is for'), 'deploy from CI');
    await user.click(screen.getByRole('button', { name: 'Create token' }));
    expect((await screen.findByLabelText<HTMLInputElement>('Token secret')).value).toBe('emt_new1_s3cret');
    expect(screen.getByRole('alert').textContent).toContain('it is not shown again');
    await user.click(screen.getByRole('button', { name: 'Copy' }));
    expect(await navigator.clipboard.readText()).toBe('emt_new1_s3cret');
    await user.click(screen.getByRole('button', { name: 'Done' }));
    expect(screen.queryByLabelText('Token secret')).toBeNull();
    // the list never holds the secret
    expect(document.body.textContent).not.toContain('s3cret');

    const row = await screen.findByRole('row', { name: /^ci / });
    await user.click(within(row).getByRole('button', { name: 'Revoke' }));
    await user.click(within(row).getByRole('alertdialog').querySelector('button') as HTMLButtonElement);
    expect(revoked).toEqual(['abc123']);
    await screen.findByText(/^revoked /);
  });
});

describe('administration', () => {
  const routes = (who: unknown): FakeRoutes => ({
    'GET /whoami': { body: who },
    'GET /config/users': { body: [{ UserName: 'alice', Value: { Groups: ['Ops'] }, Version: 1 }, { UserName: 'reader', Value: {}, Version: 1 }] },
    'GET /config/groups': { body: [{ GroupName: 'Ops', Value: { Description: 'operators' }, Version: 1 }] },
    'GET /config/permissions': { body: [{ Name: 'Ops', Permissions: [{ Resource: '/deployments', Access: 'POST' }], Version: 2 }] },
    'POST /permissions/evaluate': problem(403, 'permission-denied', 'only administrators may simulate permissions'),
  });

  it('lists users, groups and permission sets; an administrator gets the create links and the simulator', async () => {
    renderAt('/admin', routes(ADMIN));
    const users = await screen.findByRole('table', { name: 'Users' });
    expect(within(users).getByRole('row', { name: /alice/ }).textContent).toContain('Ops');
    expect(within(screen.getByRole('table', { name: 'Groups' })).getByRole('row', { name: /Ops/ }).textContent).toContain('alice');
    expect(screen.getByRole('table', { name: 'Permission sets' }).textContent).toContain('POST /deployments');
    expect(screen.getByRole('link', { name: 'New user' })).toBeTruthy();
    expect(screen.getByRole('heading', { name: 'Check a permission' })).toBeTruthy();
    // the API's 403 reason is shown as it said it
    const user = userEvent.setup();
    await user.type(screen.getByLabelText('Name'), 'alice');
    await user.click(screen.getByRole('button', { name: 'Check' }));
    expect((await screen.findByRole('alert')).textContent).toContain('Not allowed: only administrators may simulate permissions');
  });

  it('offers a reader no create links, no simulator and only their own password', async () => {
    renderAt('/admin', routes(READER));
    await screen.findByRole('table', { name: 'Users' });
    expect(screen.queryByRole('link', { name: /^New / })).toBeNull();
    expect(screen.queryByRole('heading', { name: 'Check a permission' })).toBeNull();
    const select = screen.getByLabelText<HTMLSelectElement>('User');
    expect([...select.options].map((o) => o.value)).toEqual(['reader']);
  });
});
