// @vitest-environment jsdom
import { cleanup, render, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { renderToString } from 'react-dom/server';
import { afterEach, describe, expect, it } from 'vitest';
import { createClient, type EnvironmentServersDto } from '@envmgr/api-contract';
import { App } from '../app.js';
import { earlyPathsFor, startEarlyRequests } from '../session/early-requests.js';
import { SessionProvider } from '../session/session.js';
import { ADMIN, fakeClient, fakeFetch, type FakeRoutes } from '../testing/fake-api.js';
import { FIRST_PASS_ROWS, ServersView } from './servers-view.js';

afterEach(cleanup);

/** `groups` groups of `perGroup` running instances with one service each; `i-1` is in maintenance. */
function servers(groups: number, perGroup: number): EnvironmentServersDto {
  let n = 0;
  return {
    environment: 'big1',
    converged: true,
    groups: Array.from({ length: groups }, (_, g) => ({
      environment: 'big1', name: `big1-in-role${g}`, role: `role${g}`, cluster: 'Infra', size: { min: perGroup, desired: perGroup, max: perGroup }, converged: true,
      instances: Array.from({ length: perGroup }, () => {
        n++;
        return {
          id: `i-${n}`, name: `big1-role${g}-${n}`, state: 'running', lifecycle: 'InService', health: 'Healthy', address: `10.0.${g}.${n}`, launchTime: '2026-11-23T08:00:00.000Z',
          role: `role${g}`, converged: true, differences: [],
          services: [{ service: 'Orders', slice: 'none', serviceId: `Orders-i-${n}`, version: '1.4.2', deploymentId: 'd-1', port: 40000, status: 'passing', matchesTarget: true }],
        };
      }),
    })),
  };
}

const routes = (data: EnvironmentServersDto, maintenance: FakeRoutes[string] = { body: [{ id: 'i-1', name: 'big1-role0-1', state: 'running', launchTime: '2026-11-23T08:00:00.000Z', maintenance: true, tags: {} }] }): FakeRoutes => ({
  'GET /whoami': { body: ADMIN },
  'GET /environments/big1/ops': { body: { environment: 'big1', deployLock: { locked: false }, maintenance: { inMaintenance: false }, schedule: { manualScheduleUp: false, scheduleAutomatically: true, defaultSchedule: '247' } } },
  'GET /environments/big1/servers': { body: data },
  'GET /services': { body: { environment: 'big1', services: [] } },
  'GET /environments/big1/schedule': { body: { environment: 'big1', manualScheduleUp: false, scheduleAutomatically: true, defaultSchedule: '247' } },
  'GET /environments/big1/schedule-status': { body: { Status: 'ON', environment: 'big1', at: '2026-11-23T12:00:00.000Z', source: 'environment', schedule: '247', reason: 'the schedule is 247' } },
  'GET /instances': maintenance,
});

describe('servers view of a large environment', () => {
  it('renders a first screenful in its first pass and says the rest is coming', () => {
    const { client } = fakeClient({});
    // server rendering keeps the first pass only: that is what the browser paints first
    const html = renderToString(
      <SessionProvider client={client}>
        <ServersView servers={servers(3, 80)} />
      </SessionProvider>,
    );
    expect(html.match(/<tr>/g)?.length).toBe(2 + FIRST_PASS_ROWS); // the first group's 80 rows and 20 of the second, each table with a header row
    expect(html).toContain('aria-busy="true"');
    expect(html).toContain('big1-role1-100');
    expect(html).not.toContain('big1-role1-101');
  });

  it('ends with every row in the page, each with its row header and a labelled maintenance button', async () => {
    window.history.pushState(null, '', '/environments/big1');
    const { client, calls } = fakeClient(routes(servers(3, 40)));
    render(
      <SessionProvider client={client}>
        <App />
      </SessionProvider>,
    );
    await screen.findByRole('rowheader', { name: 'big1-role0-1' });
    // role queries over hundreds of rows are slow in jsdom: count with selectors, look up single elements by label
    await waitFor(() => expect(document.querySelector('.servers-view')?.getAttribute('aria-busy')).toBe('false'));
    const tables = [...document.querySelectorAll('table.servers')];
    expect(tables.map((t) => t.querySelectorAll('tbody tr > th[scope="row"]').length)).toEqual([40, 40, 40]);
    expect(tables[2]?.querySelector('tbody tr:last-child th')?.textContent).toBe('big1-role2-120');
    // the maintenance list arrived with the servers, so the rows rendered with its column
    expect(document.querySelectorAll('tbody button[aria-label^="Start maintenance of"]')).toHaveLength(119);
    const end = screen.getByLabelText('End maintenance of big1-role0-1');
    const user = userEvent.setup();
    end.focus();
    await user.keyboard('{Enter}');
    expect(calls).toContain('PUT /instances/i-1/maintenance');
  });

  it('still shows the servers when the maintenance list cannot be read, with the reason', async () => {
    window.history.pushState(null, '', '/environments/big1');
    const { client } = fakeClient(routes(servers(1, 3), { status: 503, body: { type: '/problems/unavailable', title: 'unavailable', status: 503, detail: 'the store is unavailable', code: 'unavailable' } }));
    render(
      <SessionProvider client={client}>
        <App />
      </SessionProvider>,
    );
    expect(await screen.findByRole('rowheader', { name: 'big1-role0-3' })).toBeTruthy();
    expect((await screen.findAllByRole('alert')).map((a) => a.textContent).join(' ')).toContain('HTTP 503');
  });
});

describe('early requests', () => {
  it('lists the environment page reads and nothing for other pages', () => {
    expect(earlyPathsFor('/environments/a%20b')).toContain('environments/a%20b/servers');
    expect(earlyPathsFor('/deployments')).toEqual([]);
  });

  it('are the requests the environment page makes, so each is sent once', async () => {
    window.history.pushState(null, '', '/environments/big1');
    const fake = fakeFetch(routes(servers(2, 5)));
    const early = startEarlyRequests({ origin: 'http://em.test', path: '/environments/big1', fetch: fake.fetch });
    expect(fake.calls).toHaveLength(earlyPathsFor('/environments/big1').length);
    render(
      <SessionProvider client={createClient({ baseUrl: 'http://em.test', fetch: early.fetch })}>
        <App />
      </SessionProvider>,
    );
    expect(await screen.findByRole('rowheader', { name: 'big1-role1-10' })).toBeTruthy();
    expect(early.pending()).toEqual([]);
    expect(new Set(fake.urls).size).toBe(fake.urls.length);
  });

  it('hands out a response once, and not once it is old', async () => {
    const fake = fakeFetch({ 'GET /whoami': { body: ADMIN } });
    let now = 0;
    const early = startEarlyRequests({ origin: 'http://em.test', path: '/environments/x', fetch: fake.fetch, now: () => now });
    const url = 'http://em.test/api/v1/whoami';
    await early.fetch(url, { method: 'GET', headers: {} });
    await early.fetch(url, { method: 'GET', headers: {} });
    expect(fake.calls.filter((c) => c === 'GET /whoami')).toHaveLength(2);
    now = 60_000;
    await early.fetch('http://em.test/api/v1/environments/x/ops', { method: 'GET', headers: {} });
    expect(fake.calls.filter((c) => c === 'GET /environments/x/ops')).toHaveLength(2);
    expect(early.pending()).toEqual([]);
  });

  it('are dropped by the first write, e.g. signing in after a 401', async () => {
    const fake = fakeFetch({ 'POST /login': { body: {} } });
    const early = startEarlyRequests({ origin: 'http://em.test', path: '/environments/x', fetch: fake.fetch });
    await early.fetch('http://em.test/api/v1/login', { method: 'POST', headers: {}, body: '{}' });
    expect(early.pending()).toEqual([]);
    await early.fetch('http://em.test/api/v1/environments/x/ops', { method: 'GET', headers: {} });
    expect(fake.calls.filter((c) => c === 'GET /environments/x/ops')).toHaveLength(2);
  });
});
