import { describe, expect, it } from 'vitest';
import { matchesGlob } from './glob.js';

describe('matchesGlob', () => {
  it.each([
    // exact and anchored
    ['/something', '/something', true],
    ['/something', '/somethingElse', false],
    ['/something', '/x/something', false],
    // * stays within a segment
    ['/*', '/environments', true],
    ['/*', '/environments/c50', false],
    ['/*/thing/*', '/some/thing/*', true],
    ['/*/thing/*', '/some/thing/x/y', false],
    ['/config/*/c50', '/config/environments/c50', true],
    ['/config/env*', '/config/environments', true],
    ['/config/env*', '/config/env', true],
    // ** crosses segments
    ['**', '/config/environments/c50', true],
    ['**', '', true],
    ['/**', '/a/b/c', true],
    ['/config/**', '/config/environments/c50', true],
    ['/config/**', '/configx', false],
    ['**/deploy**', '/deployments', true],
    ['**/deploy**', '/environments/c50/deploy/x', true],
    ['**/deploy**', '/redeploy', false],
    ['***', '/a/b', true],
    // ? is one character, never /
    ['/c?0', '/c50', true],
    ['/c?0', '/c0', false],
    ['/c?0', '/c550', false],
    ['/a?b', '/a/b', false],
    // {a,b}
    ['/{asgs,environments}/*', '/asgs/c50-web', true],
    ['/{asgs,environments}/*', '/environments/c50', true],
    ['/{asgs,environments}/*', '/services/x', false],
    ['/x/{a*,b}', '/x/abc', true],
    ['/x/{a*,b}', '/x/a/c', false],
    ['/x/{,y}', '/x/', true],
    ['/x/{a', '/x/{a', true],
    ['/x/{a{b}', '/x/{ab', true],
    ['/x/a,b', '/x/a,b', true],
    // regex specials are literal
    ['/a.b', '/a.b', true],
    ['/a.b', '/axb', false],
    ['/a+b', '/a+b', true],
    ['/a+b', '/aab', false],
    ['/(x)|y', '/(x)|y', true],
    ['/(x)|y', '/y', false],
    ['/[ab]', '/[ab]', true],
    ['/[ab]', '/a', false],
    ['/$^\\', '/$^\\', true],
    ['/a}', '/a}', true],
    // case-insensitive both ways
    ['/Something', '/something', true],
    ['/CONFIG/**', '/config/Environments/C50', true],
    ['/{Asgs,X}', '/ASGS', true],
  ] as const)('%s vs %s → %s', (pattern, path, expected) => {
    expect(matchesGlob(pattern, path)).toBe(expected);
  });

  it('gives the same answer when a pattern is reused past the memo size', () => {
    for (let i = 0; i < 1500; i += 1) expect(matchesGlob(`/p${i}/*`, `/p${i}/x`)).toBe(true);
    expect(matchesGlob('/p1/*', '/p1/y/z')).toBe(false);
  });
});
