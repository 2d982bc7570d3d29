import { describe, expect, it } from 'vitest';
import { compareVersions, versionProblem } from './versions.js';

describe('versionProblem', () => {
  it.each(['1.0.0', '0.0.1', '1.2.3-beta.1', '1.2.3-rc-1', '10.20.30'])('accepts %s', (v) => {
    expect(versionProblem(v)).toBeUndefined();
  });
  it.each([
    ['1.0', 'semantic version'],
    ['v1.0.0', 'semantic version'],
    ['01.0.0', 'semantic version'],
    ['1.0.0/../x', 'semantic version'],
    ['', 'semantic version'],
    ['1.2.3-rc-1+build.5', 'build metadata'],
    [`1.0.0-${'a'.repeat(100)}`, 'at most 100 characters'],
  ])('refuses %j', (v, message) => {
    expect(versionProblem(v)?.message).toContain(message);
  });
});

describe('compareVersions', () => {
  it('orders by semver precedence', () => {
    const sorted = ['1.10.0', '1.2.0', '1.2.0-beta.2', '1.2.0-beta.10', '1.2.0-alpha', '1.2.0-1', '0.9.9', '2.0.0'].sort(compareVersions);
    expect(sorted).toEqual(['0.9.9', '1.2.0-1', '1.2.0-alpha', '1.2.0-beta.2', '1.2.0-beta.10', '1.2.0', '1.10.0', '2.0.0']);
  });
  it('puts non-semver values after semver ones, in text order', () => {
    expect(['b', '1.0.0', 'a'].sort(compareVersions)).toEqual(['1.0.0', 'a', 'b']);
  });
});
