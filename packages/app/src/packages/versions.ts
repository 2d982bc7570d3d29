import type { FieldProblem } from '@envmgr/domain';

/** Semantic Versioning 2.0.0, as semver.org gives it. */
const SEMVER =
  /^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-((?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*)(?:\.(?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*))*))?(?:\+([0-9a-zA-Z-]+(?:\.[0-9a-zA-Z-]+)*))?$/;

/** SPEC §5: a version is at most 100 characters. */
export const VERSION_MAX = 100;

/** Why `version` cannot name a package version, or undefined when it can. */
export function versionProblem(version: string): FieldProblem | undefined {
  if (version.length > VERSION_MAX) return { path: 'version', message: `must be at most ${VERSION_MAX} characters; got ${version.length}` };
  if (!SEMVER.test(version)) return { path: 'version', message: `must be a semantic version such as 1.2.3 or 1.2.3-beta.1; got '${version}'` };
  // the version becomes part of registry keys, which cannot hold '+'
  if (version.includes('+')) return { path: 'version', message: `'${version}' carries build metadata (+...), which registry keys cannot hold; use a pre-release such as 1.2.3-build.5` };
  return undefined;
}

/** Orders versions by semver precedence (1.2.3-beta < 1.2.3 < 1.10.0); text order between non-semver values. */
export function compareVersions(a: string, b: string): number {
  const x = SEMVER.exec(a);
  const y = SEMVER.exec(b);
  if (!x || !y) return x ? -1 : y ? 1 : textOrder(a, b);
  for (const i of [1, 2, 3]) {
    const d = Number(x[i]) - Number(y[i]);
    if (d !== 0) return Math.sign(d);
  }
  return comparePrerelease(x[4], y[4]) || textOrder(a, b);
}

function comparePrerelease(a: string | undefined, b: string | undefined): number {
  if (a === b) return 0;
  if (a === undefined) return 1;
  if (b === undefined) return -1;
  const xs = a.split('.');
  const ys = b.split('.');
  for (let i = 0; i < Math.min(xs.length, ys.length); i++) {
    const p = xs[i] ?? '';
    const q = ys[i] ?? '';
    if (p === q) continue;
    const pn = /^\d+$/.test(p);
    const qn = /^\d+$/.test(q);
    if (pn && qn) return Math.sign(Number(p) - Number(q));
    if (pn !== qn) return pn ? -1 : 1;
    return textOrder(p, q);
  }
  return Math.sign(xs.length - ys.length);
}

function textOrder(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
