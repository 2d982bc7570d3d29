// @vitest-environment jsdom
import { cleanup, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it } from 'vitest';
import { ADMIN, problem, READER, type FakeRoutes } from './testing/fake-api.js';
import { renderAt } from './testing/render-app.js';


const deployment = {
  id: 'd-1', status: 'succeeded', environment: 'dev1', environmentType: 'Dev', service: 'Hello', version: '1.0.0', mode: 'overwrite', slice: 'none',
  serverRole: 'Web', runtimeServerRole: 'Web', owningCluster: 'Infra', group: 'dev1-in-Web', requestedBy: 'admin',
  requestedAt: '2026-11-23T12:00:00Z', updatedAt: '2026-11-23T12:01:00Z', Version: 5, nodeCounts: { Success: 1 },
};

afterEach(cleanup);

describe('sign-in', () => {
  it('labels its fields, shows why a sign-in failed, and shows who is signed in after it', async () => {
    let signedIn = false;
    const { calls } = renderAt('/deployments', {
      'GET /whoami': () => (signedIn ? { body: ADMIN } : problem(401, 'login-required', 'sign in first')),
      'POST /login': (body) => {
        const { password } = body as { password: string };
        if (password !== 'right password') return problem(401, 'invalid-credentials', 'the user name or password is wrong');
        signedIn = true;
        return { body: { token: 't', expiresInSeconds: 300, user: 'admin' } };
      },
      'GET /deployments': { body: { items: [] } },
    });
    const user = userEvent.setup();
    await user.type(await screen.findByLabelText('User name'), 'admin');
    await user.type(screen.getByLabelText('Password'), 'wrong');
    await user.click(screen.getByRole('button', { name: 'Sign in' }));
    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toContain('the user name or password is wrong');
    expect(alert.textContent).toContain('invalid-credentials');
    expect(screen.getByLabelText<HTMLInputElement>('Password').value).toBe('');

    await user.type(screen.getByLabelText('Password'), 'right password');
    await user.keyboard('{Enter}');
    expect((await screen.findByTestId('who')).textContent).toBe('admin');
    expect(calls.filter((c) => c === 'POST /login')).toHaveLength(2);
    expect(await screen.findByRole('heading', { name: 'Deployments' })).toBeTruthy();
  });
});

describe('permission-aware rendering', () => {
  const routes = (who: unknown): FakeRoutes => ({ 'GET /whoami': { body: who }, 'GET /deployments': { body: { items: [deployment] } } });

  it('offers a new deployment to whoever may deploy', async () => {
    renderAt('/deployments', routes(ADMIN));
    expect(await screen.findByRole('link', { name: 'New deployment' })).toBeTruthy();
  });

  it('hides it from a reader, who still sees the deployments', async () => {
    renderAt('/deployments', routes(READER));
    expect(await screen.findByRole('cell', { name: 'Hello' })).toBeTruthy();
    expect(screen.queryByRole('link', { name: 'New deployment' })).toBeNull();
  });

  it('follows the permission globs: a deployer limited to POST /deployments may deploy but not toggle locks', async () => {
    const deployer = { ...READER, name: 'ci', permissions: [{ Resource: '/deployments', Access: 'POST' }] };
    renderAt('/environments/dev1', {
      'GET /whoami': { body: deployer },
      'GET /environments/dev1/ops': { body: { environment: 'dev1', deployLock: { locked: false }, maintenance: { inMaintenance: false }, schedule: { manualScheduleUp: false, scheduleAutomatically: false } } },
    });
    expect(await screen.findByRole('link', { name: 'Deploy to dev1' })).toBeTruthy();
    expect((await screen.findByRole<HTMLButtonElement>('button', { name: 'Lock deployments' })).disabled).toBe(true);
  });

  it("shows the API's 403 reason when the server refuses what the page offered", async () => {
    const limited = { ...READER, permissions: [{ Resource: '/deployments', Access: 'POST' }, { Resource: '/rollbacks', Access: 'POST' }] };
    renderAt('/deployments/d-1', {
      'GET /whoami': { body: limited },
      'GET /deployments/d-1': { body: { ...deployment, nodes: [], log: [] } },
      'POST /rollbacks': problem(403, 'permission-denied', 'you may not POST /rollbacks in cluster Infra: missing {Cluster: Infra}'),
    });
    const user = userEvent.setup();
    await user.click(await screen.findByRole('button', { name: 'Roll back' }));
    const dialog = screen.getByRole('alertdialog');
    expect(document.activeElement).toBe(within(dialog).getByRole('button', { name: 'Confirm' }));
    await user.click(within(dialog).getByRole('button', { name: 'Confirm' }));
    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toContain('Not allowed:');
    expect(alert.textContent).toContain('missing {Cluster: Infra}');
    expect(alert.textContent).toContain('HTTP 403');
  });
});

describe('audit history', () => {
  const record = (version: number, state: string) => ({
    seq: version, at: '2026-11-23T12:00:00Z', actor: 'admin', requestId: `r${version}`, entityType: 'environments', key: 'dev1',
    changeType: version === 1 ? 'Created' : 'Updated', before: version === 1 ? null : { Value: { Description: 'old' } }, after: { Value: { Description: state } },
    version, prevHash: 'x', hash: 'y',
  });
  const routes = (revert: FakeRoutes[string]): FakeRoutes => ({
    'GET /whoami': { body: ADMIN },
    'GET /config/environments/dev1/history': { body: [record(2, 'new'), record(1, 'old')] },
    'POST /config/environments/dev1/revert': revert,
  });

  it('shows each change as a before/after difference', async () => {
    renderAt('/audit/environments/dev1', routes(problem(500, 'internal', 'unused')));
    const v2 = await screen.findByRole('article', { name: 'version 2' });
    expect(within(v2).getByRole('rowheader', { name: 'Value.Description' })).toBeTruthy();
    expect(within(v2).getByRole('cell', { name: '"old"' })).toBeTruthy();
    expect(within(v2).getByRole('cell', { name: '"new"' })).toBeTruthy();
  });

  it('reverts after a confirmation, quoting the current version', async () => {
    let sent: unknown;
    renderAt('/audit/environments/dev1', routes((body) => {
      sent = body;
      return { status: 200, body: { EnvironmentName: 'dev1', Value: { Description: 'old' }, Version: 3 } };
    }));
    const user = userEvent.setup();
    await user.click(await screen.findByRole('button', { name: 'Revert to version 1' }));
    expect(screen.getByRole('alertdialog').textContent).toContain('The current version is 2');
    await user.click(screen.getByRole('button', { name: 'Revert' }));
    await screen.findByRole('button', { name: 'Revert to version 1' });
    expect(sent).toEqual({ version: 1 });
  });

  it('explains a version conflict: the item changed since the page loaded it', async () => {
    renderAt('/audit/environments/dev1', routes(problem(409, 'version-conflict', "environments 'dev1' is at version 3, not 2; reload it and try again", { currentVersion: 3 })));
    const user = userEvent.setup();
    await user.click(await screen.findByRole('button', { name: 'Revert to version 1' }));
    await user.click(screen.getByRole('button', { name: 'Revert' }));
    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toContain('Changed by someone else:');
    expect(alert.textContent).toContain('is at version 3, not 2');
    expect(alert.textContent).toContain('version-conflict');
    // the confirmation stays open, so the user can cancel and reload
    expect(screen.getByRole('alertdialog')).toBeTruthy();
  });
});
