import { describe, expect, it } from 'vitest';
import { compareEnvironments } from './compare.js';
import { aRunning, aTarget, textOrder } from './fixtures.js';
import { serviceSlices, summarizeServices } from './services-view.js';
import type { TargetStateView } from './target-state-view.js';

const view = (environment: string, targets = [aTarget()]): TargetStateView => ({ environment, targets, services: [], problems: [] });

describe('summarizeServices', () => {
  it('lists the services of the target state and of the catalog, with versions, slices and health', () => {
    const targets = [aTarget({ slice: 'blue', version: '1.1.0' }), aTarget({ slice: 'green', version: '1.0.0' })];
    const running = [
      aRunning({ slice: 'blue', version: '1.1.0', node: 'i-1' }),
      aRunning({ slice: 'blue', version: '1.1.0', node: 'i-2', status: 'critical' }),
      aRunning({ slice: 'green', version: '1.0.0', node: 'i-1' }),
      aRunning({ service: 'Stray', node: 'i-3' }),
    ];
    const [hello, stray, ...rest] = summarizeServices({ targetState: view('c50', targets), running, order: textOrder });
    expect(rest).toEqual([]);
    expect(hello).toMatchObject({
      service: 'Hello',
      target: [
        { role: 'Web', slice: 'blue', version: '1.1.0', deploymentId: 'd1', action: 'Install' },
        { role: 'Web', slice: 'green', version: '1.0.0', deploymentId: 'd1', action: 'Install' },
      ],
      versions: ['1.0.0', '1.1.0'],
      slices: [
        { slice: 'blue', versions: ['1.1.0'], health: { status: 'critical', instances: 2, passing: 1, critical: 1 } },
        { slice: 'green', versions: ['1.0.0'], health: { status: 'passing', instances: 1 } },
      ],
      health: { status: 'critical', instances: 3 },
    });
    expect(stray).toMatchObject({ service: 'Stray', target: [], versions: ['1.0.0'], health: { instances: 1 } });
  });

  it('shows a service the target state names but nothing runs', () => {
    expect(summarizeServices({ targetState: view('c50'), running: [], order: textOrder })).toEqual([
      { service: 'Hello', target: [{ role: 'Web', slice: 'none', version: '1.0.0', deploymentId: 'd1', action: 'Install' }], versions: [], slices: [], health: { status: 'none', instances: 0, passing: 0, warning: 0, critical: 0 } },
    ]);
  });
});

describe('serviceSlices', () => {
  it('gives each slice its registry name, configured port, entries and instances; active is not judged here', () => {
    const slices = serviceSlices({
      environment: 'c50',
      service: 'Hello',
      targetState: view('c50', [aTarget({ slice: 'green', version: '1.1.0' })]),
      running: [aRunning({ slice: 'blue', node: 'i-2', port: 41000 })],
      ports: { blue: 8001, green: 8002 },
      order: textOrder,
    });
    expect(slices.map((s) => [s.slice, s.registryName, s.port, s.target.map((t) => t.version), s.versions, s.instances.map((i) => `${i.instanceId}:${i.port}`)])).toEqual([
      ['blue', 'c50-Hello-blue', 8001, [], ['1.0.0'], ['i-2:41000']],
      ['green', 'c50-Hello-green', 8002, ['1.1.0'], [], []],
    ]);
  });
});

describe('compareEnvironments', () => {
  it('puts each service’s target and running versions side by side, flagging differences', () => {
    const rows = compareEnvironments(
      [
        { environment: 'c50', targetState: view('c50', [aTarget(), aTarget({ service: 'Api', version: '2.0.0' })]), running: [aRunning(), aRunning({ service: 'Api', version: '2.0.0' })] },
        { environment: 'c51', targetState: view('c51', [aTarget(), aTarget({ service: 'Api', version: '2.1.0' })]), running: [aRunning({ env: 'c51' })] },
      ],
      textOrder,
    );
    expect(rows).toEqual([
      {
        service: 'Api',
        differs: true,
        environments: [
          { environment: 'c50', target: ['2.0.0'], running: ['2.0.0'] },
          { environment: 'c51', target: ['2.1.0'], running: [] },
        ],
      },
      {
        service: 'Hello',
        differs: false,
        environments: [
          { environment: 'c50', target: ['1.0.0'], running: ['1.0.0'] },
          { environment: 'c51', target: ['1.0.0'], running: ['1.0.0'] },
        ],
      },
    ]);
  });

  it('does not count entries that uninstall, and flags a service missing from one environment', () => {
    const rows = compareEnvironments(
      [
        { environment: 'a', targetState: view('a', [aTarget({ action: 'Uninstall' })]), running: [] },
        { environment: 'b', targetState: view('b', []), running: [] },
        { environment: 'c', targetState: view('c', [aTarget()]), running: [] },
      ],
      textOrder,
    );
    expect(rows).toEqual([
      { service: 'Hello', differs: true, environments: [{ environment: 'a', target: [], running: [] }, { environment: 'b', target: [], running: [] }, { environment: 'c', target: ['1.0.0'], running: [] }] },
    ]);
  });
});
