/**
 * Property tests of the deployment state machine (issue 6 acceptance): a terminal state is never left; no command is
 * issued twice for one step under repeated identical observations; for any interleaving of node reports, scaling,
 * restarts (advancing from the persisted copy, after crashes before or after the commands ran, or after the record
 * was saved but its commands were lost) and clock jumps, every run ends terminal within the overall timeout plus one
 * step.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { advance, cancel, type AdvanceResult } from './advance.js';
import { isTerminal, type AdvanceSettings, type Command, type Deployment, type HealthState, type Observations } from './deployment.js';
import { MIN, T0, nodeStatus, planFixture } from './fixtures.js';
import type { NodeStatusValue } from './target-state.js';

const INSTANCES = ['i-0', 'i-1', 'i-2', 'i-3'];

type Event =
  /** One driver step; it may crash before carrying out the commands, after (before saving), or after saving first. */
  | { type: 'tick'; crash: 'none' | 'beforeCommands' | 'afterCommands' | 'savedThenCrashed' }
  | { type: 'progress'; failing: number | null }
  | { type: 'report'; node: number; status: NodeStatusValue['Status']; health: HealthState | null }
  | { type: 'scale'; inService: boolean[] }
  | { type: 'clock'; deltaMs: number }
  | { type: 'restart' }
  | { type: 'dropTargetState' };

/** null most of the time, a value now and then. */
const rarely = <T>(arb: fc.Arbitrary<T>): fc.Arbitrary<T | null> => fc.oneof({ weight: 7, arbitrary: fc.constant(null) }, { weight: 1, arbitrary: arb });
const node = fc.integer({ min: 0, max: INSTANCES.length - 1 });
const eventArb: fc.Arbitrary<Event> = fc.oneof(
  { weight: 10, arbitrary: fc.record({ type: fc.constant('tick' as const), crash: fc.constantFrom('none' as const, 'none' as const, 'none' as const, 'none' as const, 'beforeCommands' as const, 'afterCommands' as const, 'savedThenCrashed' as const) }) },
  // every agent takes its next step (Not Started → In Progress → Success and passing), one maybe failing instead
  { weight: 6, arbitrary: fc.record({ type: fc.constant('progress' as const), failing: rarely(node) }) },
  {
    weight: 3,
    arbitrary: fc.record({
      type: fc.constant('report' as const),
      node,
      status: fc.constantFrom<NodeStatusValue['Status']>('In Progress', 'Success', 'Success', 'Failed'),
      health: fc.constantFrom<HealthState | null>('passing', 'warning', 'critical', null),
    }),
  },
  { weight: 1, arbitrary: fc.record({ type: fc.constant('scale' as const), inService: fc.array(fc.boolean(), { minLength: INSTANCES.length, maxLength: INSTANCES.length }) }) },
  {
    weight: 5,
    arbitrary: fc.record({
      type: fc.constant('clock' as const),
      deltaMs: fc.oneof({ weight: 5, arbitrary: fc.integer({ min: 0, max: 2 * MIN }) }, { weight: 1, arbitrary: fc.integer({ min: -5 * MIN, max: 40 * MIN }) }),
    }),
  },
  { weight: 1, arbitrary: fc.constant({ type: 'restart' as const }) },
  { weight: 1, arbitrary: fc.constant({ type: 'dropTargetState' as const }) },
);

/** A run: its events, and maybe a cancel before event `cancelAt` (modulo their number). */
const runArb = fc.record({ events: fc.array(eventArb, { minLength: 5, maxLength: 80 }), cancelAt: rarely(fc.nat()) });

const settingsArb: fc.Arbitrary<AdvanceSettings> = fc.record(
  { overallTimeoutMs: fc.integer({ min: 5, max: 120 }).map((m) => m * MIN), nodeTimeoutMs: fc.integer({ min: 1, max: 30 }).map((m) => m * MIN), healthDeadlineMs: fc.integer({ min: 0, max: 10 }).map((m) => m * MIN) },
  { requiredKeys: [] },
);

/** The outside world the driver observes: compute, registry and the driver process. */
interface World {
  now: number;
  groupExists: boolean;
  inService: string[];
  nodes: Record<string, NodeStatusValue>;
  health: Record<string, HealthState>;
  targetStatePresent: boolean;
  run: number;
}

function observe(w: World): Observations {
  return {
    runId: `run-${w.run}`,
    group: w.groupExists ? { inServiceInstanceIds: [...w.inService], desiredCapacity: w.inService.length } : undefined,
    nodes: { ...w.nodes },
    health: { ...w.health },
    targetStatePresent: w.targetStatePresent,
  };
}

function carryOut(w: World, commands: readonly Command[]): void {
  for (const c of commands) {
    if (c.kind === 'createGroup') w.groupExists = true;
    if (c.kind === 'writeTargetState') w.targetStatePresent = true;
  }
}

/** Agents of instances in service move on once the target state is there: start, then succeed and pass. */
function progress(w: World, failing: number | null): void {
  if (!w.targetStatePresent) return;
  for (const id of w.inService) {
    const status = w.nodes[id]?.Status;
    const started = new Date(w.now).toISOString();
    if (status === undefined) w.nodes[id] = nodeStatus('In Progress', { StartTime: started });
    else if (status === 'In Progress') {
      w.nodes[id] = nodeStatus(INSTANCES[failing ?? -1] === id ? 'Failed' : 'Success', { StartTime: w.nodes[id]?.StartTime ?? started, EndTime: started });
      w.health[id] = 'passing';
    }
  }
}

function fresh(): Deployment {
  const p = planFixture();
  if (!p.ok) throw new Error(p.message);
  return p.deployment;
}

const persist = (d: Deployment): Deployment => JSON.parse(JSON.stringify(d)) as Deployment;

/** Every command issued, with the run that issued it. */
interface Issued {
  run: number;
  command: Command;
}

/** Checks one advance: terminal in, same out; at or past the deadline, terminal out. */
function checkedAdvance(d: Deployment, w: World, settings: AdvanceSettings): AdvanceResult {
  const result = advance(d, observe(w), w.now, settings);
  if (isTerminal(d.state)) {
    expect(result.next).toBe(d);
    expect(result.commands).toEqual([]);
  }
  if (w.now - d.requestedAtMs >= (settings.overallTimeoutMs ?? 60 * MIN)) expect(isTerminal(result.next.state)).toBe(true);
  return result;
}

function simulate(run: { events: readonly Event[]; cancelAt: number | null }, settings: AdvanceSettings): { persisted: Deployment; world: World; issued: Issued[] } {
  const w: World = { now: T0, groupExists: false, inService: ['i-0', 'i-1'], nodes: {}, health: {}, targetStatePresent: false, run: 1 };
  let current = fresh();
  let persisted = persist(current);
  const issued: Issued[] = [];
  const restart = () => {
    w.run += 1;
    current = persist(persisted);
  };
  const cancelAt = run.cancelAt === null ? -1 : run.cancelAt % run.events.length;
  run.events.forEach((e, i) => {
    if (i === cancelAt) {
      const result = cancel(current, w.now);
      if (result.ok) {
        carryOut(w, result.commands);
        current = result.next;
        persisted = persist(current);
      }
    }
    step(e);
  });
  return { persisted, world: w, issued };

  function step(e: Event): void {
    if (e.type === 'tick') {
      const { next, commands } = checkedAdvance(current, w, settings);
      if (e.crash === 'beforeCommands') return restart();
      if (e.crash === 'savedThenCrashed') {
        persisted = persist(next);
        return restart();
      }
      carryOut(w, commands);
      issued.push(...commands.map((command) => ({ run: w.run, command })));
      if (e.crash === 'afterCommands') return restart();
      if (isTerminal(persisted.state)) expect(next.state).toBe(persisted.state);
      current = next;
      persisted = persist(next);
    } else if (e.type === 'progress') progress(w, e.failing);
    else if (e.type === 'restart') restart();
    else if (e.type === 'clock') w.now = Math.max(T0, w.now + e.deltaMs);
    else if (e.type === 'scale') w.inService = INSTANCES.filter((_, i) => e.inService[i]);
    else if (e.type === 'dropTargetState') w.targetStatePresent = false;
    else {
      const id = INSTANCES[e.node] ?? 'i-0';
      w.nodes[id] = nodeStatus(e.status, { StartTime: new Date(w.now).toISOString() });
      if (e.health) w.health[id] = e.health;
      else delete w.health[id];
    }
  }
}

describe('advance: properties', () => {
  it('never leaves a terminal state, whatever it observes next', () => {
    fc.assert(
      fc.property(runArb, settingsArb, fc.array(eventArb, { maxLength: 30 }), (run, settings, after) => {
        const { persisted, world } = simulate(run, settings);
        const deadline = persisted.requestedAtMs + (settings.overallTimeoutMs ?? 60 * MIN);
        const ended = isTerminal(persisted.state) ? persisted : advance(persisted, observe(world), Math.max(world.now, deadline), settings).next;
        expect(isTerminal(ended.state)).toBe(true);
        const w = { ...world };
        for (const e of after) {
          if (e.type === 'clock') w.now += e.deltaMs;
          if (e.type === 'restart') w.run += 1;
          if (e.type === 'dropTargetState') w.targetStatePresent = !w.targetStatePresent;
          if (e.type === 'report') w.nodes = { ...w.nodes, [INSTANCES[e.node] ?? 'i-0']: nodeStatus(e.status) };
          const result = advance(persist(ended), observe(w), w.now, settings);
          expect(result.next).toEqual(ended);
          expect(result.commands).toEqual([]);
        }
        expect(cancel(ended, w.now)).toMatchObject({ ok: false, code: 'deployment-finished' });
      }),
      { numRuns: 300 },
    );
  });

  it('issues no command twice for one step under repeated identical observations', () => {
    fc.assert(
      fc.property(runArb, settingsArb, fc.array(fc.integer({ min: 0, max: 10 * MIN }), { minLength: 1, maxLength: 30 }), (run, settings, steps) => {
        const { persisted, world } = simulate(run, settings);
        const obs = observe({ ...world, run: world.run + 1 });
        let d = persisted;
        let now = world.now;
        const kinds: string[] = [];
        for (const step of steps) {
          now += step;
          const { next, commands } = advance(d, obs, now, settings);
          kinds.push(...commands.map((c) => c.kind));
          d = next;
        }
        expect(kinds).toEqual([...new Set(kinds)]);
      }),
      { numRuns: 300 },
    );
  });

  it('ends every run terminal within the overall timeout plus one step, issuing each command once per driver run', () => {
    fc.assert(
      fc.property(runArb, settingsArb, (run, settings) => {
        const { persisted, world, issued } = simulate(run, settings);
        const seen = issued.map((i) => `${i.run}:${i.command.kind}`);
        expect(seen).toEqual([...new Set(seen)]);
        const deadline = persisted.requestedAtMs + (settings.overallTimeoutMs ?? 60 * MIN);
        const last = advance(persist(persisted), observe({ ...world, run: world.run + 1 }), Math.max(world.now, deadline), settings);
        expect(isTerminal(last.next.state)).toBe(true);
        expect(last.next.endedAtMs).toBeDefined();
      }),
      { numRuns: 300 },
    );
  });
});
