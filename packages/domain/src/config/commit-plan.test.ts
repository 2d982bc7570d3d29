import { describe, expect, it } from 'vitest';
import { planCommit, type PlannedChange, type StoreView } from './commit-plan.js';
import type { ConfigItem, EntityRef } from './config-item.js';
import { itemFacts } from './entities.js';
import type { JsonObject } from '../json.js';

function view(items: ConfigItem[], refs: Record<string, EntityRef[]> = {}, uniques: Record<string, EntityRef> = {}): StoreView {
  return {
    get: (type, key) => items.find((i) => i.type === type && i.key === key),
    referrers: (t) => refs[`${t.type}:${t.key}`] ?? [],
    uniqueHolder: (v) => uniques[v],
  };
}
const cluster = (name: string, version = 1): ConfigItem => ({ type: 'clusters', key: name, data: { ClusterName: name, Value: {} }, version });
const svcData = (name: string, owner: string, ports: [number, number] = [1, 2]): JsonObject => ({ ServiceName: name, OwningCluster: owner, Value: { BluePort: ports[0], GreenPort: ports[1] } });
const createSvc = (name: string, owner: string, ports?: [number, number]): PlannedChange => {
  const data = svcData(name, owner, ports);
  return { op: 'create', type: 'services', key: name, data, ...itemFacts('services', data) };
};

describe('planCommit', () => {
  it('versions creates at 1 (or as given) and updates at +1', () => {
    const plan = planCommit(
      [
        { op: 'create', type: 'clusters', key: 'A', data: {}, references: [], uniques: [] },
        { op: 'create', type: 'clusters', key: 'B', data: {}, version: 5, references: [], uniques: [] },
        { op: 'update', type: 'clusters', key: 'C', data: {}, expectedVersion: 3, references: [], uniques: [] },
      ],
      view([cluster('C', 3)]),
    );
    expect(plan.ok && plan.writes.map((w) => w.after?.version)).toEqual([1, 5, 4]);
  });

  it.each([
    ['create existing', { op: 'create', type: 'clusters', key: 'C', data: {}, references: [], uniques: [] }, 'already-exists'],
    ['update missing', { op: 'update', type: 'clusters', key: 'X', data: {}, expectedVersion: 1, references: [], uniques: [] }, 'not-found'],
    ['update stale', { op: 'update', type: 'clusters', key: 'C', data: {}, expectedVersion: 1, references: [], uniques: [] }, 'version-conflict'],
    ['delete stale', { op: 'delete', type: 'clusters', key: 'C', expectedVersion: 2 }, 'version-conflict'],
    ['dangling', createSvc('S', 'Nope'), 'dangling-reference'],
  ] as [string, PlannedChange, string][])('%s → %s', (_name, change, code) => {
    const plan = planCommit([change], view([cluster('C', 3)]));
    expect(plan.ok ? 'ok' : plan.error.code).toBe(code);
  });

  it('sees items created earlier or later in the same batch', () => {
    expect(planCommit([createSvc('S', 'New'), { op: 'create', type: 'clusters', key: 'New', data: {}, references: [], uniques: [] }], view([])).ok).toBe(true);
  });

  it('refuses to delete a referenced item unless the referrer goes too', () => {
    const v = view([cluster('C')], { 'clusters:C': [{ type: 'services', key: 'S' }] });
    const del: PlannedChange = { op: 'delete', type: 'clusters', key: 'C', expectedVersion: 1 };
    const alone = planCommit([del], v);
    expect(alone.ok ? 'ok' : alone.error.code).toBe('still-referenced');
    expect(planCommit([{ op: 'delete', type: 'services', key: 'S', expectedVersion: 1 }, del], view([cluster('C'), { type: 'services', key: 'S', data: svcData('S', 'C'), version: 1 }], { 'clusters:C': [{ type: 'services', key: 'S' }] })).ok).toBe(true);
  });

  it('refuses a unique value held by another item, in the store or the batch', () => {
    const held = planCommit([createSvc('S2', 'C', [1, 9])], view([cluster('C')], {}, { 'service-port:1': { type: 'services', key: 'S1' } }));
    expect(held.ok ? 'ok' : held.error.code).toBe('not-unique');
    const twice = planCommit([createSvc('S2', 'C', [7, 8]), createSvc('S3', 'C', [8, 9])], view([cluster('C')]));
    expect(twice.ok ? 'ok' : twice.error.code).toBe('not-unique');
    const own = planCommit([{ ...createSvc('S1', 'C', [1, 2]), op: 'update', expectedVersion: 1 } as PlannedChange], view([cluster('C'), { type: 'services', key: 'S1', data: svcData('S1', 'C'), version: 1 }], {}, { 'service-port:1': { type: 'services', key: 'S1' } }));
    expect(own.ok).toBe(true);
  });
});
