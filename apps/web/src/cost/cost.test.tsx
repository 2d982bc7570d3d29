// @vitest-environment jsdom
import { cleanup, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it } from 'vitest';
import { ADMIN, READER } from '../testing/fake-api.js';
import { renderAt } from '../testing/render-app.js';


afterEach(cleanup);

const savings = {
  since: '2026-11-16T00:00:00Z', until: '2026-11-23T00:00:00Z', instanceHoursSaved: 150.5, actions: 12,
  environments: [
    { environment: 'dev1', cluster: 'Infra', instanceHoursSaved: 100, subjects: 3 },
    { environment: 'dev2', cluster: 'Infra', instanceHoursSaved: 20.5, subjects: 1 },
    { environment: 'qa1', cluster: 'Payments', instanceHoursSaved: 30, subjects: 2 },
  ],
};

describe('savings', () => {
  it('charts the savings per environment and per cluster, with the numbers in a table', async () => {
    renderAt('/savings?period=30', { 'GET /whoami': { body: READER }, 'GET /config/clusters': { body: [] }, 'GET /schedule/savings': { body: savings } });
    const perCluster = await screen.findByRole('img', { name: /Instance-hours saved per cluster/ });
    // the chart's description reads the numbers out, largest first
    expect(perCluster.getAttribute('aria-labelledby')).toBeTruthy();
    expect(perCluster.querySelector('desc')?.textContent).toBe('Infra: 120.5 h; Payments: 30 h');
    const perEnv = screen.getByRole('img', { name: /per environment/ });
    const widths = [...perEnv.querySelectorAll('rect')].map((r) => Number(r.getAttribute('width')));
    expect(widths[0]).toBeGreaterThan(widths[2] ?? Infinity);
    expect(widths[1]).toBeGreaterThan(widths[2] ?? Infinity);
    expect(within(screen.getByRole('table', { name: 'Savings per environment' })).getByRole('row', { name: /qa1/ }).textContent).toContain('Payments');
    expect(screen.getByText(/150\.5 instance-hours/)).toBeTruthy();
  });
});

describe('environment schedule', () => {
  it('saves the settings, overrides the schedule until a time and answers a what-if time', async () => {
    const sent: Record<string, unknown> = {};
    const { calls } = renderAt('/environments/dev1', {
      'GET /whoami': { body: ADMIN },
      'GET /environments/dev1/ops': { body: { environment: 'dev1', deployLock: { locked: false }, maintenance: { inMaintenance: false }, schedule: { manualScheduleUp: false, scheduleAutomatically: false } } },
      'GET /environments/dev1/servers': { body: { environment: 'dev1', converged: true, groups: [] } },
      'GET /services': { body: { environment: 'dev1', services: [] } },
      'GET /instances': { body: [] },
      'GET /environments/dev1/schedule': { body: { environment: 'dev1', manualScheduleUp: false, scheduleAutomatically: false } },
      'PUT /environments/dev1/schedule': (body) => {
        sent['settings'] = body;
        return { body: { environment: 'dev1', manualScheduleUp: false, scheduleAutomatically: true, defaultSchedule: '247' } };
      },
      'POST /environments/dev1/schedule-override': (body) => {
        sent['override'] = body;
        return { body: { environment: 'dev1', override: { ...(body as object), setBy: 'admin', setAt: '2026-11-23T12:00:00Z', active: true } } };
      },
      'GET /environments/dev1/schedule-status': { body: { Status: 'OFF', environment: 'dev1', at: '2026-11-23T12:00:00Z', source: 'environment', schedule: '', reason: 'no schedule' } },
    });
    const user = userEvent.setup();
    await user.click(await screen.findByLabelText('Follow the schedule'));
    await user.type(screen.getByLabelText('Default schedule'), '247');
    await user.click(screen.getByRole('button', { name: 'Save schedule' }));
    await expect.poll(() => sent['settings']).toEqual({ manualScheduleUp: false, scheduleAutomatically: true, defaultSchedule: '247' });

    await user.selectOptions(screen.getByLabelText('Keep'), 'off');
    const until = screen.getByLabelText<HTMLInputElement>('until');
    await user.clear(until);
    await user.type(until, '2030-01-02T03:04');
    await user.click(screen.getByRole('button', { name: 'Override' }));
    await expect.poll(() => sent['override']).toEqual({ state: 'off', until: new Date('2030-01-02T03:04').toISOString() });

    const before = calls.filter((c) => c === 'GET /environments/dev1/schedule-status').length;
    const whatIf = screen.getByLabelText<HTMLInputElement>('What if the time were');
    await user.type(whatIf, '2030-01-05T10:00');
    await expect.poll(() => calls.filter((c) => c === 'GET /environments/dev1/schedule-status').length).toBeGreaterThan(before);
    expect((await screen.findByTestId('schedule-answer')).textContent).toContain('OFF');
  });
});
