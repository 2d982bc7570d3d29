/** The canary of a deployment request, checked (see canary.ts for how a canary runs). Pure. */
import type { CanaryPlan, CanaryProgress, CanaryRequest } from './deployment.js';

export const CANARY_DEFAULTS = { stepSeconds: 60, maxErrorRate: 0.01, minRequests: 20 } as const;

export type CanaryCheck = { ok: true; plan: CanaryPlan } | { ok: false; path: string; message: string };

const isInt = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v);

/** Checks a request's canary; the paths name the request's fields (`canary.steps`…). */
export function checkCanary(c: CanaryRequest): CanaryCheck {
  const steps = c.steps ?? [5, 25];
  if (!Array.isArray(steps) || steps.length === 0 || steps.length > 10 || !steps.every((s) => isInt(s) && s >= 1 && s <= 99)) {
    return { ok: false, path: 'canary.steps', message: 'must be 1 to 10 whole percentages from 1 to 99, e.g. [5, 25]; 100% follows the last step' };
  }
  if (steps.some((s, i) => i > 0 && (s as number) <= (steps[i - 1] as number))) return { ok: false, path: 'canary.steps', message: `must ascend, got [${steps.join(', ')}]` };
  const stepSeconds = c.stepSeconds ?? CANARY_DEFAULTS.stepSeconds;
  if (!isInt(stepSeconds) || stepSeconds < 1 || stepSeconds > 3600) return { ok: false, path: 'canary.stepSeconds', message: 'must be a whole number of seconds from 1 to 3600' };
  const maxErrorRate = c.maxErrorRate ?? CANARY_DEFAULTS.maxErrorRate;
  if (typeof maxErrorRate !== 'number' || !(maxErrorRate >= 0 && maxErrorRate <= 1)) return { ok: false, path: 'canary.maxErrorRate', message: 'must be a share from 0 to 1, e.g. 0.01 for 1%' };
  const minRequests = c.minRequests ?? CANARY_DEFAULTS.minRequests;
  if (!isInt(minRequests) || minRequests < 1 || minRequests > 1_000_000) return { ok: false, path: 'canary.minRequests', message: 'must be a whole number from 1 to 1000000' };
  return { ok: true, plan: { steps: steps as number[], stepMs: stepSeconds * 1000, maxErrorRate, minRequests } };
}

/** The weights of the two slices' upstream hosts for `percent` of traffic to `to` (0 = down). */
export function canaryWeights(c: Pick<CanaryProgress, 'from' | 'to'>, percent: number): { blue: number; green: number } {
  const toWeight = Math.max(0, Math.min(100, percent));
  const w = { blue: 0, green: 0 };
  w[c.to] = toWeight === 100 ? 1 : toWeight;
  w[c.from] = toWeight === 100 ? 0 : toWeight === 0 ? 1 : 100 - toWeight;
  return w;
}

