import { createRoute, type z } from '@hono/zod-openapi';
import {
  AtQuerySchema,
  EnvironmentPathSchema,
  SavingsQuerySchema,
  SavingsSchema,
  ScheduleActionListSchema,
  ScheduleActionsQuerySchema,
  ScheduleEvaluateRequestSchema,
  ScheduleEvaluationSchema,
  ScheduleLintQuerySchema,
  ScheduleLintSchema,
  ScheduleOverrideRequestSchema,
  ScheduleOverrideStateSchema,
  ScheduleSettingsRequestSchema,
  ScheduleSettingsSchema,
  ScheduleStatusSchema,
} from '@envmgr/api-contract';
import {
  clearScheduleOverride,
  environmentScheduleStatus,
  evaluateHypotheticalSchedule,
  getEnvironmentOps,
  lintScheduleTags,
  planScheduleActions,
  scheduleSavings,
  setScheduleOverride,
  setScheduleSettings,
  type EnvironmentOps,
  type ScheduledAccount,
} from '@envmgr/app';
import { json, requestContext, type App, type HttpDeps } from '../context.js';
import { declare } from '../access/route-permission.js';
import { problemResponses } from '../problems/responses.js';
import { roundHours, toScheduleActionDto, toScheduleOverrideDto, toScheduleSettingsDto } from './schedule-dtos.js';

const tags = ['Scheduling'];
const ok = (description: string, schema: z.ZodType) => ({ description, content: { 'application/json': { schema } } });
const body = <S extends z.ZodType>(schema: S) => ({ content: { 'application/json': { schema } }, required: true });
const params = EnvironmentPathSchema;
const msOf = (iso: string | undefined): number | undefined => (iso === undefined ? undefined : Date.parse(iso));

/**
 * Scheduling (SPEC §8, §11): an environment's schedule settings, status and override; what the scheduler would do
 * to every instance; what-if evaluation; savings. Registered before `/instances/{id}`, which would take
 * `schedule-actions` for an id.
 */
export function registerScheduleRoutes(app: App, deps: HttpDeps): void {
  registerSettingsRoutes(app, deps);
  registerOverrideRoutes(app, deps);
  registerEvaluateRoute(app, deps);
  const accounts: readonly ScheduledAccount[] | undefined = deps.scheduling?.accounts ?? (deps.runtime ? [{ name: 'local', compute: deps.runtime.compute }] : undefined);
  if (accounts) {
    registerActionsRoute(app, deps, accounts);
    registerLintRoute(app, deps, accounts);
  }
  if (deps.scheduling) registerSavingsRoute(app, deps, deps.scheduling.actions);
}

function registerSettingsRoutes(app: App, deps: HttpDeps): void {
  const path = '/api/v1/environments/{name}/schedule';
  const settings = (ops: EnvironmentOps) => json(200, toScheduleSettingsDto(ops, deps.config.clock.now()));
  app.openapi(
    createRoute({
      method: 'get', path, tags, operationId: 'getSchedule', summary: "An environment's schedule settings",
      description: '`manualScheduleUp`, `scheduleAutomatically`, `defaultSchedule` (SPEC §8 precedence) and the last override.',
      request: { params },
      responses: { 200: ok('the settings', ScheduleSettingsSchema), ...problemResponses(401, 404) },
    }),
    async (c) => settings(await getEnvironmentOps(deps.config, requestContext(c), c.req.valid('param').name)),
  );

  app.openapi(
    createRoute(declare('permission', {
      method: 'put', path, tags, operationId: 'setSchedule', summary: "Change an environment's schedule settings",
      description:
        "Omitted fields keep their value; `defaultSchedule: null` removes it. Needs PUT on this path for the environment's owning cluster and " +
        'type; refused to everyone (403 `protected-action`) when its type protects `SCHEDULE_ENVIRONMENT`. A schedule that cannot be read, ' +
        'one with stop times but no start time, and following a default schedule without one are 400, naming `defaultSchedule` and the fix. ' +
        'Audited as an update of `/config/environment-ops/{name}`.',
      request: { params, body: body(ScheduleSettingsRequestSchema) },
      responses: { 200: ok('the settings as they now are', ScheduleSettingsSchema), ...problemResponses(401, 403, 404, 409, 413, 415) },
    })),
    async (c) => settings(await setScheduleSettings(deps.config, requestContext(c), { environment: c.req.valid('param').name, ...c.req.valid('json') })),
  );

  app.openapi(
    createRoute({
      method: 'get', path: '/api/v1/environments/{name}/schedule-status', tags, operationId: 'getScheduleStatus', summary: "What an environment's schedule says",
      description:
        "EM's `Status` (`ON`, `OFF`, `NOT FOUND`, `NO SCHEDULE`, `INVALID SCHEDULE`) of the environment's own schedule now or `at`, and ours: " +
        'its source (the settings, or an active override), the schedule text and the reason. Instances and groups may have their own ' +
        'tags: see `GET /instances/schedule-actions`.',
      request: { params, query: AtQuerySchema },
      responses: { 200: ok('the status', ScheduleStatusSchema), ...problemResponses(401, 404) },
    }),
    async (c) => {
      const s = await environmentScheduleStatus(deps.config, requestContext(c), { environment: c.req.valid('param').name, atMs: msOf(c.req.valid('query').at) });
      const { status, ...rest } = s;
      return json(200, { Status: status, ...rest });
    },
  );
}

function registerOverrideRoutes(app: App, deps: HttpDeps): void {
  const path = '/api/v1/environments/{name}/schedule-override';
  const answer = (ops: EnvironmentOps) => {
    const override = toScheduleOverrideDto(ops.scheduleOverride, deps.config.clock.now());
    return json(200, { environment: ops.environment, ...(override ? { override } : {}) });
  };
  app.openapi(
    createRoute({
      method: 'get', path, tags, operationId: 'getScheduleOverride', summary: "An environment's schedule override",
      request: { params },
      responses: { 200: ok('the override, with whether it still counts; none when absent', ScheduleOverrideStateSchema), ...problemResponses(401, 404) },
    }),
    async (c) => answer(await getEnvironmentOps(deps.config, requestContext(c), c.req.valid('param').name)),
  );

  app.openapi(
    createRoute(declare('permission', {
      method: 'post', path, tags, operationId: 'overrideSchedule', summary: "Keep an environment on (or off) until a time",
      description:
        'Above every schedule of its instances and groups except `NOSCHEDULE` and maintenance, until `until`; then the environment follows ' +
        'its schedule again by itself. `until` must be in the future and at most 31 days ahead (else 400). Replaces an earlier override. ' +
        "Needs POST on this path for the environment's owning cluster and type; refused when its type protects `SCHEDULE_ENVIRONMENT`. Audited.",
      request: { params, body: body(ScheduleOverrideRequestSchema) },
      responses: { 200: ok('the override as it now is', ScheduleOverrideStateSchema), ...problemResponses(401, 403, 404, 409, 413, 415) },
    })),
    async (c) => answer(await setScheduleOverride(deps.config, requestContext(c), { environment: c.req.valid('param').name, ...c.req.valid('json') })),
  );

  app.openapi(
    createRoute(declare('permission', {
      method: 'delete', path, tags, operationId: 'clearScheduleOverride', summary: 'End an override early',
      description: "Needs DELETE on this path for the environment's owning cluster and type. Without an override nothing changes.",
      request: { params },
      responses: { 200: ok('no override', ScheduleOverrideStateSchema), ...problemResponses(401, 403, 404, 409) },
    })),
    async (c) => answer(await clearScheduleOverride(deps.config, requestContext(c), { environment: c.req.valid('param').name })),
  );
}

function registerEvaluateRoute(app: App, deps: HttpDeps): void {
  app.openapi(
    createRoute(declare('signed-in', {
      method: 'post', path: '/api/v1/schedule/evaluate', tags, operationId: 'evaluateSchedule', summary: 'What the scheduler would decide for a hypothetical instance',
      description:
        'Takes an instance tag, a group tag, environment settings (or a configured environment by `name`), the instance state and a time, ' +
        'and returns the decision and its reason, the status of the schedule that applies, schedules that cannot be read (with the ' +
        "offset and the fix) and where trainline's EM would read them differently. Writes nothing.",
      request: { body: body(ScheduleEvaluateRequestSchema) },
      responses: { 200: ok('the decision', ScheduleEvaluationSchema), ...problemResponses(401, 404, 413, 415) },
    })),
    async (c) => {
      const b = c.req.valid('json');
      const o = b.environment?.override;
      const e = await evaluateHypotheticalSchedule(deps.config, requestContext(c), {
        atMs: msOf(b.at),
        instance: b.instance,
        group: b.group,
        environment: b.environment && { ...b.environment, override: o && { state: o.state, untilMs: Date.parse(o.until) } },
      });
      return json(200, e);
    },
  );
}

function registerActionsRoute(app: App, deps: HttpDeps, accounts: readonly ScheduledAccount[]): void {
  app.openapi(
    createRoute({
      method: 'get', path: '/api/v1/instances/schedule-actions', tags, operationId: 'getScheduleActions', summary: 'What the scheduler would do to every instance',
      description:
        "EM's runner list (SPEC §8): `[{action: {action, reason, source}, instance: {id, name, role, environment, environmentType, asg}}]`, " +
        'now or `at`, for every account or one, every environment or one. Ours: `schedule`, `skipCode`, the cluster, account and states. ' +
        'Members of groups scheduled as a whole are skipped (`group-scheduled-as-whole`). Nothing is changed.',
      request: { query: ScheduleActionsQuerySchema },
      responses: { 200: ok('one entry per instance', ScheduleActionListSchema), ...problemResponses(401, 404) },
    }),
    async (c) => {
      const q = c.req.valid('query');
      const plan = await planScheduleActions({ config: deps.config, accounts, clock: deps.config.clock, ...(deps.scheduling?.holds ? { holds: deps.scheduling.holds } : {}) }, c.get('actor'), { atMs: msOf(q.at), environment: q.environment, account: q.account });
      return json(200, plan.instances.map(toScheduleActionDto));
    },
  );
}

function registerLintRoute(app: App, deps: HttpDeps, accounts: readonly ScheduledAccount[]): void {
  app.openapi(
    createRoute({
      method: 'get', path: '/api/v1/schedule/lint', tags, operationId: 'lintSchedules', summary: "Schedules in use that trainline's EM reads differently",
      description:
        "Every instance and group `Schedule` tag and every environment's `DefaultSchedule` whose meaning differs between trainline's EM " +
        '(weekday 7 = Saturday, day AND weekday, clamped values, a trailing `;` voids the schedule) and ours, with what to write so that ' +
        'both agree. Fix these before moving from EM. Instances tagged like their group are listed once, on the group.',
      request: { query: ScheduleLintQuerySchema },
      responses: { 200: ok('the schedules that differ', ScheduleLintSchema), ...problemResponses(401) },
    }),
    async (c) => json(200, await lintScheduleTags({ config: deps.config, accounts }, c.get('actor'), { environment: c.req.valid('query').environment })),
  );
}

function registerSavingsRoute(app: App, deps: HttpDeps, actions: NonNullable<HttpDeps['scheduling']>['actions']): void {
  app.openapi(
    createRoute({
      method: 'get', path: '/api/v1/schedule/savings', tags, operationId: 'getScheduleSavings', summary: 'Instance-hours saved by the scheduler',
      description:
        'Instance-hours switched off against always-on over `[since, until)` (default the last 7 days), per environment, from the ' +
        "scheduler's recorded actions: an instance counts from its switch-off to its switch-on, a group scaled to zero its remembered " +
        'desired size. Filter by `environment` or `cluster` (the owning cluster). A period that is empty or longer than 400 days is 400.',
      request: { query: SavingsQuerySchema },
      responses: { 200: ok('the report', SavingsSchema), ...problemResponses(401) },
    }),
    async (c) => {
      const q = c.req.valid('query');
      const r = await scheduleSavings({ actions, clock: deps.config.clock }, c.get('actor'), { environment: q.environment, cluster: q.cluster, sinceMs: msOf(q.since), untilMs: msOf(q.until) });
      return json(200, { ...r, instanceHoursSaved: roundHours(r.instanceHoursSaved), environments: r.environments.map((l) => ({ ...l, instanceHoursSaved: roundHours(l.instanceHoursSaved) })) });
    },
  );
}
