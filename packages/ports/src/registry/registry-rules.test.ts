import { RegistryValueTooLargeError, ValidationError } from '@envmgr/domain';
import { describe, expect, it } from 'vitest';
import {
  REGISTRY_MAX_VALUE_BYTES,
  assertRegistryKey,
  assertRegistryValueSize,
  defaultCheckId,
  effectiveWaitMs,
  nextBlockingIndex,
  registrationProblems,
  registryKeyProblem,
  utf8Length,
} from './registry-rules.js';

describe('registryKeyProblem', () => {
  it.each([
    ['environments/dev/roles/web', undefined],
    ['deployments/3f2c-11/nodes/i-0abc', undefined],
    ['a,b-c_d.e/f', undefined],
    ['a/', undefined],
    ['', /empty/],
    ['/leading', /must not begin with a '\/'/],
    ['has space', /characters other than/],
    ['q?x=1', /characters other than/],
    ['a/../b', /traversal/],
    ['config.json', /ends with '.json'/],
    ['CONFIG.JSON', /ends with '.json'/],
  ])('%j → %s', (key, expected) => {
    const problem = registryKeyProblem(key);
    if (expected === undefined) expect(problem).toBeUndefined();
    else expect(problem).toMatch(expected);
  });

  it('accepts an empty prefix only when asked', () => {
    expect(registryKeyProblem('', { allowEmpty: true })).toBeUndefined();
    expect(() => assertRegistryKey('')).toThrow(ValidationError);
  });
});

describe('value size', () => {
  it('counts UTF-8 bytes', () => {
    expect(utf8Length('aé✓🚀')).toBe(1 + 2 + 3 + 4);
    expect(() => assertRegistryValueSize('k', 'x'.repeat(REGISTRY_MAX_VALUE_BYTES))).not.toThrow();
    expect(() => assertRegistryValueSize('k', '✓'.repeat(REGISTRY_MAX_VALUE_BYTES / 3 + 1))).toThrow(RegistryValueTooLargeError);
  });
});

describe('blocking waits and indexes', () => {
  it.each([
    [undefined, 300_000],
    [0, 0],
    [1500, 1500],
    [-5, 0],
    [3_600_000, 600_000],
    [Number.NaN, 300_000],
  ])('effectiveWaitMs(%s) = %s', (waitMs, expected) => expect(effectiveWaitMs(waitMs)).toBe(expected));

  it.each([
    [0, 12, 12],
    [12, 12, 12],
    [12, 15, 15],
    [15, 12, 0],
    [0, 0, 1],
    [5, 0, 0],
  ])('nextBlockingIndex(%s, %s) = %s', (previous, returned, expected) => expect(nextBlockingIndex(previous, returned)).toBe(expected));
});

describe('registrations', () => {
  it('names default check ids as Consul does', () => {
    expect(defaultCheckId('web', 0, 1)).toBe('service:web');
    expect(defaultCheckId('web', 1, 3)).toBe('service:web:2');
  });

  it('lists every problem of a registration', () => {
    const problems = registrationProblems({
      id: '',
      name: '',
      port: 70000,
      checks: [
        { type: 'ttl', ttlMs: 0 },
        { type: 'http', url: '', intervalMs: 0 },
        { type: 'script', args: [], intervalMs: 1000 },
      ],
    });
    expect(problems.map((p) => p.path)).toEqual(['id', 'name', 'port', 'checks.0.ttlMs', 'checks.1.intervalMs', 'checks.1.url', 'checks.2.args']);
    expect(registrationProblems({ id: 'web', name: 'web', port: 8080, checks: [{ type: 'ttl', ttlMs: 1000 }] })).toEqual([]);
  });
});
