import { afterEach, describe, expect, it, vi } from 'vitest';
import type { DeploymentDto, DeploymentPlanDto } from '@envmgr/api-contract';
import { logKeyOf, parseDuration } from './deployment-commands.js';
import type { Io } from './io.js';
import { run } from './run.js';

const ID = '7c9e6679-7425-40de-944b-e07fc1f90ae7';
const SERVER = 'http://127.0.0.1:8080';
/** The escape character of ANSI terminal sequences. */
const ESC = String.fromCharCode(27);
const LOG_URL = `http://10.0.0.9:8080/api/v1/logs/deployments/${ID}/i-0e2.log`;

const aDeployment = (over: Partial<DeploymentDto> = {}): DeploymentDto => ({
  id: ID,
  status: 'requested',
  environment: 'dev1',
  environmentType: 'Dev',
  service: 'Hello',
  version: '1.1.0',
  mode: 'overwrite',
  slice: 'none',
  serverRole: 'Web',
  runtimeServerRole: 'Web',
  owningCluster: 'Infra',
  group: 'dev1-in-Web',
  requestedBy: 'alice',
  requestedAt: '2026-11-23T12:00:00.000Z',
  updatedAt: '2026-11-23T12:00:00.000Z',
  nodes: [],
  log: ['[2026-11-23T12:00:00.000Z] requested by alice'],
  Version: 1,
  ...over,
});
type NodeDto = DeploymentDto['nodes'][number];
const node = (instanceId: string, status: NodeDto['status'], extra: Partial<NodeDto> = {}): NodeDto => ({ instanceId, status, inService: true, lastCompletedStage: '', ...extra });

/** The states a deployment goes through in the tests: deploying on two instances, then an ending. */
const deploying = aDeployment({ status: 'deploying', Version: 3, nodes: [node('i-0e1', 'In Progress', { lastCompletedStage: 'BeforeInstall' }), node('i-0e2', 'Not Started')], log: ['[2026-11-23T12:00:02.000Z] target state written'] });
const halfway = aDeployment({ status: 'deploying', Version: 4, nodes: [node('i-0e1', 'Success', { lastCompletedStage: 'Complete', health: 'passing' }), node('i-0e2', 'In Progress', { lastCompletedStage: 'DownloadPackage' })], log: deploying.log });
const succeeded = aDeployment({ status: 'succeeded', Version: 5, endedAt: '2026-11-23T12:01:00.000Z', nodes: [node('i-0e1', 'Success', { lastCompletedStage: 'Complete', health: 'passing' }), node('i-0e2', 'Success', { lastCompletedStage: 'Complete', health: 'passing' })], log: ['[2026-11-23T12:01:00.000Z] succeeded on 2 instances'] });
const failed = aDeployment({
  status: 'failed',
  Version: 5,
  reason: 'Hello 1.1.0 failed on i-0e2 at ValidateService: exit code 1',
  nodes: [node('i-0e1', 'Success', { lastCompletedStage: 'Complete', health: 'passing' }), node('i-0e2', 'Failed', { lastCompletedStage: 'ApplicationStart', failedStage: 'ValidateService', errorReason: 'validate.sh exited with 1: port 8081 refused', log: LOG_URL })],
  log: ['[2026-11-23T12:01:00.000Z] failed'],
});

/** The text EM's event route writes for a change of the deployment (hono's writeSSE: event, data, id). */
function sseEvent(d: DeploymentDto, seq: number): string {
  const data = { id: d.id, status: d.status, environment: d.environment, service: d.service, version: d.version, ...(d.reason ? { reason: d.reason } : {}), lastLog: d.log.at(-1) ?? '', nodes: d.nodes.map(({ log: _log, ...n }) => n) };
  return `event: deployment.updated\ndata: ${JSON.stringify({ id: String(seq), type: 'deployment.updated', at: d.updatedAt, subject: { deployment: d.id }, data })}\nid: ${seq}\n\n`;
}

interface Seen {
  method: string;
  path: string;
  headers: Record<string, string>;
  body: unknown;
}
interface Answer {
  status?: number;
  headers?: Record<string, string>;
  body?: unknown;
}
interface Signal {
  readonly aborted: boolean;
  addEventListener(type: 'abort', listener: () => void): void;
}

/**
 * A fake EM. `script` is what the deployment goes through after the request: on the event stream (`ready`, then one
 * event per state, the stream staying open after the last), or, when `events` is false (the route answers 404), one
 * state per GET. `GET deployments/<id>` answers the state the stream or the polling has reached.
 */
function fakeEm(opts: { script?: DeploymentDto[]; events?: boolean; routes?: (s: Seen) => Answer | undefined; tty?: boolean } = {}) {
  const script = opts.script ?? [];
  const seen: Seen[] = [];
  let current = aDeployment();
  let polled = 0;
  let out = '';
  let err = '';
  let interrupt: (() => void) | undefined;
  const json = (a: Answer) => {
    const status = a.status ?? 200;
    const headers = new Map(Object.entries({ 'content-type': 'application/json', ...a.headers }).map(([k, v]) => [k.toLowerCase(), v]));
    const text = typeof a.body === 'string' ? a.body : a.body === undefined ? '' : JSON.stringify(a.body);
    return { status, ok: status < 300, headers: { get: (n: string) => headers.get(n.toLowerCase()) ?? null }, text: async () => text };
  };
  const stream = (signal: Signal | undefined) => {
    const body = (async function* () {
      yield new TextEncoder().encode('event: ready\ndata: {"filters":{}}\n\n');
      let seq = 0;
      for (const s of script) {
        current = s;
        yield new TextEncoder().encode(`: heartbeat\n\n${sseEvent(s, ++seq)}`);
      }
      // open until the client goes away
      await new Promise<void>((resolve) => (signal?.aborted ? resolve() : signal?.addEventListener('abort', () => resolve())));
    })();
    return { ...json({ headers: { 'content-type': 'text/event-stream' } }), body };
  };
  const fetch = async (url: string, init: { method: string; headers: Record<string, string>; body?: string; signal?: Signal }) => {
    const u = new URL(url);
    const s: Seen = { method: init.method, path: u.pathname.replace('/api/v1/', '') + u.search, headers: init.headers, body: init.body === undefined ? undefined : JSON.parse(init.body) };
    seen.push(s);
    const custom = opts.routes?.(s);
    if (custom) return json(custom);
    if (s.path.startsWith('events?')) return opts.events === false ? json({ status: 404, body: '' }) : stream(init.signal);
    if (s.method === 'POST' && (s.path === 'deployments' || s.path.endsWith('/redeploy'))) return json({ status: 202, headers: { location: `/api/v1/deployments/${ID}` }, body: current });
    if (s.method === 'GET' && s.path === `deployments/${ID}`) {
      if (opts.events === false) current = script[Math.min(polled++, script.length - 1)] ?? current;
      return json({ body: current });
    }
    return json({ status: 404, body: { type: '/problems/not-found', title: 'not-found', status: 404, detail: `no route ${s.method} ${s.path}`, code: 'not-found', requestId: 'r-1' } });
  };
  const io: Io = {
    stdout: { write: (t: string) => (out += t), isTTY: opts.tty, columns: 100 },
    stderr: { write: (t: string) => (err += t) },
    env: { ENVMGR_TOKEN: 'emt_test_token_1234' },
    fetch,
    now: () => new Date('2026-11-23T12:00:00.000Z'),
    onInterrupt: (handler) => {
      interrupt = handler;
      return () => (interrupt = undefined);
    },
  };
  return {
    seen,
    run: (...argv: string[]) => {
      out = '';
      err = '';
      return run(argv, io);
    },
    /** Presses Ctrl-C; false when nothing listens for it. */
    interrupt: () => (interrupt ? (interrupt(), true) : false),
    get stdout() {
      return out;
    },
    get stderr() {
      return err;
    },
  };
}

const problem = (status: number, code: string, detail: string, extra: Record<string, unknown> = {}): Answer => ({
  status,
  headers: { 'content-type': 'application/problem+json' },
  body: { type: `/problems/${code}`, title: code, status, detail, code, requestId: 'req-9', ...extra },
});

afterEach(() => {
  vi.useRealTimers();
});

describe('envmgr deploy', () => {
  it('requests the deployment and prints its id and URL', async () => {
    const em = fakeEm();
    expect(await em.run('deploy', 'Hello', '1.1.0', '--env', 'dev1')).toBe(0);
    expect(em.seen).toMatchObject([{ method: 'POST', path: 'deployments', body: { environment: 'dev1', service: 'Hello', version: '1.1.0' }, headers: { authorization: 'Bearer emt_test_token_1234' } }]);
    expect(em.stdout).toBe(`deployment ${ID} requested: Hello 1.1.0 to dev1 (overwrite, server role Web)\n${SERVER}/api/v1/deployments/${ID}\n`);
    expect(em.stderr).toContain(`envmgr deployment ${ID}`);
    expect(await em.run('deploy', 'Hello', '1.1.0', '--env', 'dev1', '--json')).toBe(0);
    expect(JSON.parse(em.stdout)).toMatchObject({ id: ID, status: 'requested' });
  });

  it('sends mode, slice and role; a slice implies blue/green', async () => {
    const em = fakeEm();
    expect(await em.run('deploy', 'Hello', '1.1.0', '--env', 'dev1', '--slice', 'green', '--role', 'Web')).toBe(0);
    expect(em.seen[0]?.body).toEqual({ environment: 'dev1', service: 'Hello', version: '1.1.0', mode: 'bluegreen', slice: 'green', serverRole: 'Web' });
  });

  it.each([
    [['--mode', 'overwrite', '--slice', 'blue'], 'an overwrite deployment has no slice'],
    [['--mode', 'bluegreen'], 'a blue/green deployment needs a slice'],
    [['--mode', 'canary'], 'expected overwrite or bluegreen'],
    [['--timeout', '10m'], '--timeout goes with --wait'],
    [['--dry-run', '--wait'], 'a dry run starts nothing to wait for'],
    [['--wait', '--timeout', 'soon'], 'expected a duration'],
  ])('exits 2 and sends nothing for %j', async (extra, message) => {
    const em = fakeEm();
    expect(await em.run('deploy', 'Hello', '1.1.0', '--env', 'dev1', ...extra)).toBe(2);
    expect(em.stderr).toContain(message);
    expect(em.seen).toEqual([]);
  });

  it('exits 2 without --env', async () => {
    const em = fakeEm();
    expect(await em.run('deploy', 'Hello', '1.1.0')).toBe(2);
    expect(em.stderr).toContain("required option '--env <environment>' not specified");
  });

  it('prints the plan of a dry run', async () => {
    const plan: DeploymentPlanDto = {
      isDryRun: true,
      environment: 'dev1',
      service: 'Hello',
      version: '1.1.0',
      mode: 'overwrite',
      slice: 'none',
      serverRole: 'Web',
      runtimeServerRole: 'Web',
      owningCluster: 'Infra',
      consulServiceName: 'dev1-Hello',
      packagePath: 'Hello/1.1.0.zip',
      group: { name: 'dev1-in-Web', action: 'create', size: { min: 1, desired: 3, max: 3 }, tags: {} },
      expectedInstances: 3,
      targetState: [{ key: 'environments/dev1/services/Hello/1.1.0/definition', value: '{}' }, { key: 'environments/dev1/roles/Web/services/Hello/none', value: '{}' }],
    };
    const em = fakeEm({ routes: (s) => (s.method === 'POST' ? { body: plan } : undefined) });
    expect(await em.run('deploy', 'Hello', '1.1.0', '--env', 'dev1', '--dry-run')).toBe(0);
    expect(em.seen[0]?.body).toMatchObject({ dryRun: true });
    expect(em.stdout).toContain('dry run: nothing was changed. Deploying Hello 1.1.0 to dev1 would do this:');
    expect(em.stdout).toContain('  group            dev1-in-Web: would be created (min 1, desired 3, max 3)');
    expect(em.stdout).toContain('    environments/dev1/roles/Web/services/Hello/none\n');
  });

  it.each([
    [problem(409, 'deployment-in-progress', 'a deployment of Hello to dev1 is in progress', { activeDeploymentId: 'd-9' }), 'hint: deployment d-9 has not ended: follow it with `envmgr deployment d-9`, or cancel it with `envmgr cancel d-9`'],
    [problem(423, 'deployments-locked', "deployments to environment 'dev1' are locked by bob", { lockedBy: 'bob' }), 'once it may be deployed again, `envmgr unlock dev1`'],
    [problem(404, 'package-not-found', 'no package Hello 1.1.0'), '`envmgr package upload Hello <version> <file-or-dir>`'],
    [problem(422, 'ambiguous-server-role', 'service Hello runs on 2 server roles (Web, Api)'), 'pass --role <server role>'],
  ])('exits 1 with a hint when refused (%#)', async (answer, hint) => {
    const em = fakeEm({ routes: () => answer });
    expect(await em.run('deploy', 'Hello', '1.1.0', '--env', 'dev1', '--wait')).toBe(1);
    expect(em.stderr).toMatch(/^error: /);
    expect(em.stderr).toContain(hint);
    expect(em.seen).toHaveLength(1);
  });
});

describe('envmgr deploy --wait', () => {
  it('follows the event stream and exits 0 when the deployment succeeds', async () => {
    const em = fakeEm({ script: [deploying, halfway, succeeded] });
    expect(await em.run('deploy', 'Hello', '1.1.0', '--env', 'dev1', '--wait')).toBe(0);
    expect(em.stdout.split('\n')).toEqual([
      `deployment ${ID} requested: Hello 1.1.0 to dev1 (overwrite, server role Web)`,
      `${SERVER}/api/v1/deployments/${ID}`,
      'status: requested',
      'log: [2026-11-23T12:00:00.000Z] requested by alice',
      'status: deploying',
      'i-0e1: In Progress, last stage BeforeInstall',
      'i-0e2: Not Started',
      'log: [2026-11-23T12:00:02.000Z] target state written',
      'i-0e1: Success, health passing',
      'i-0e2: In Progress, last stage DownloadPackage',
      'i-0e2: Success, health passing',
      'log: [2026-11-23T12:01:00.000Z] succeeded on 2 instances',
      `deployment ${ID} succeeded: Hello 1.1.0 to dev1, 2/2 succeeded`,
      '',
    ]);
    const stream = em.seen.find((s) => s.path.startsWith('events'));
    expect(stream).toMatchObject({ path: `events?deployment=${ID}`, headers: { accept: 'text/event-stream', authorization: 'Bearer emt_test_token_1234' } });
  });

  it('exits 1 with the reason, each failed instance, its error and its log URL when the deployment fails', async () => {
    const em = fakeEm({ script: [deploying, failed] });
    expect(await em.run('deploy', 'Hello', '1.1.0', '--env', 'dev1', '--wait')).toBe(1);
    expect(em.stdout).toContain('i-0e2: Failed at ValidateService: validate.sh exited with 1: port 8081 refused\n');
    expect(em.stderr.split('\n')).toEqual([
      `error: deployment ${ID} failed: Hello 1.1.0 failed on i-0e2 at ValidateService: exit code 1`,
      '  i-0e2 failed at ValidateService: validate.sh exited with 1: port 8081 refused',
      `    log: ${LOG_URL}`,
      `hint: see its log and the agents' logs with \`envmgr deployment ${ID} --logs\``,
      '',
    ]);
  });

  it('exits 1 when the deployment is cancelled', async () => {
    const em = fakeEm({ script: [deploying, aDeployment({ status: 'cancelled', reason: 'cancelled by bob', Version: 9 })] });
    expect(await em.run('redeploy', 'd-0', '--wait')).toBe(1);
    expect(em.seen[0]).toMatchObject({ method: 'POST', path: 'deployments/d-0/redeploy' });
    expect(em.stderr).toContain(`error: deployment ${ID} was cancelled: cancelled by bob`);
  });

  it('with --json prints only the final deployment on stdout, progress on stderr', async () => {
    const em = fakeEm({ script: [deploying, succeeded] });
    expect(await em.run('deploy', 'Hello', '1.1.0', '--env', 'dev1', '--wait', '--json')).toBe(0);
    expect(JSON.parse(em.stdout)).toMatchObject({ id: ID, status: 'succeeded', nodes: [{ instanceId: 'i-0e1' }, { instanceId: 'i-0e2' }] });
    expect(em.stderr).toContain('status: deploying\n');
  });

  it('polls every second when the event stream cannot be opened', async () => {
    vi.useFakeTimers();
    const em = fakeEm({ events: false, script: [deploying, halfway, failed] });
    let code: number | undefined;
    const done = em.run('deploy', 'Hello', '1.1.0', '--env', 'dev1', '--wait').then((c) => (code = c));
    for (let s = 0; s < 10 && code === undefined; s++) await vi.advanceTimersByTimeAsync(1000);
    await done;
    expect(code).toBe(1);
    expect(em.stderr).toContain('note: the event stream is not available; checking the deployment every second');
    expect(em.stderr).toContain('  i-0e2 failed at ValidateService: validate.sh exited with 1: port 8081 refused');
    expect(em.stdout).toContain('i-0e2: In Progress, last stage DownloadPackage\n');
    // the request, the stream that was refused, then one read per state
    expect(em.seen.map((s) => `${s.method} ${s.path.split('?')[0]}`)).toEqual(['POST deployments', 'GET events', ...Array<string>(3).fill(`GET deployments/${ID}`)]);
  });

  it('stops waiting on Ctrl-C without cancelling, says how to cancel, and exits 130', async () => {
    const em = fakeEm({ script: [deploying] });
    const done = em.run('deploy', 'Hello', '1.1.0', '--env', 'dev1', '--wait');
    await vi.waitFor(() => expect(em.stdout).toContain('i-0e2: Not Started'));
    expect(em.interrupt()).toBe(true);
    expect(await done).toBe(130);
    expect(em.stderr).toBe(`stopped waiting: deployment ${ID} goes on (it is deploying)\nhint: follow it with \`envmgr deployment ${ID}\`; cancel it with \`envmgr cancel ${ID}\`\n`);
    expect(em.seen.some((s) => s.method === 'PATCH')).toBe(false);
    // the handler is gone: a second Ctrl-C would end the process as usual
    expect(em.interrupt()).toBe(false);
  });

  it('gives up after --timeout and exits 1; the deployment goes on', async () => {
    vi.useFakeTimers();
    const em = fakeEm({ script: [deploying] });
    let code: number | undefined;
    const done = em.run('deploy', 'Hello', '1.1.0', '--env', 'dev1', '--wait', '--timeout', '90s').then((c) => (code = c));
    await vi.advanceTimersByTimeAsync(89_000);
    expect(code).toBeUndefined();
    await vi.advanceTimersByTimeAsync(1_000);
    await done;
    expect(code).toBe(1);
    expect(em.stderr).toContain(`error: deployment ${ID} has not ended after 90s (it is deploying); it goes on`);
  });

  it('redraws the progress in place on a terminal', async () => {
    const em = fakeEm({ script: [deploying, succeeded], tty: true });
    expect(await em.run('deploy', 'Hello', '1.1.0', '--env', 'dev1', '--wait')).toBe(0);
    const frames = em.stdout.split(new RegExp(`${ESC}\\[\\d+F${ESC}\\[J`));
    expect(frames).toHaveLength(3);
    expect(frames[1]).toBe(
      [
        'Hello 1.1.0 to dev1: deploying, 0/2 succeeded, 1 in progress',
        '  INSTANCE  STATUS       IN SERVICE  LAST STAGE     HEALTH  FAILED STAGE',
        '  i-0e1     In Progress  yes         BeforeInstall',
        '  i-0e2     Not Started  yes         -',
        '  [2026-11-23T12:00:02.000Z] target state written',
        '',
      ].join('\n'),
    );
    // the previous frame had 5 lines: the cursor goes up 5
    expect(em.stdout).toContain(`${ESC}[5F${ESC}[J`);
    expect(frames[2]).toContain(`deployment ${ID} succeeded`);
  });
});

describe('envmgr deployments, deployment, cancel, rollback', () => {
  const summary = { ...aDeployment({ status: 'succeeded' }), nodes: undefined, log: undefined, nodeCounts: { Success: 2 } };

  it('lists deployments in a table with filters, and says when there are more', async () => {
    const em = fakeEm({ routes: (s) => (s.path.startsWith('deployments?') ? { headers: { 'x-next-cursor': 'c2' }, body: { items: [summary] } } : undefined) });
    expect(await em.run('deployments', '--env', 'dev1', '--service', 'Hello', '--status', 'active,failed', '--since', '7d')).toBe(0);
    expect(em.seen[0]?.path).toBe('deployments?environment=dev1&service=Hello&status=active%2Cfailed&since=2026-11-16T12%3A00%3A00.000Z&limit=20');
    expect(em.stdout.split('\n')).toEqual([
      'ID                                    SERVICE  VERSION  ENV   STATUS     REQUESTED             BY',
      `${ID}  Hello    1.1.0    dev1  succeeded  2026-11-23 12:00:00Z  alice`,
      '',
    ]);
    expect(em.stderr).toContain('more deployments exist');
  });

  it('exits 2 for an unknown state', async () => {
    const em = fakeEm();
    expect(await em.run('deployments', '--status', 'done')).toBe(2);
    expect(em.stderr).toContain("unknown state 'done'");
  });

  it('shows a deployment with its instances, and with --logs its log and the agents\' logs', async () => {
    const em = fakeEm({ routes: (s) => (s.path === `logs/deployments/${ID}/i-0e2.log` ? { headers: { 'content-type': 'text/plain' }, body: 'BeforeInstall ok\nValidateService: port 8081 refused\n' } : s.path === `deployments/${ID}` ? { body: failed } : undefined) });
    expect(await em.run('deployment', ID, '--logs')).toBe(0);
    expect(em.stdout).toContain('status       failed\n');
    expect(em.stdout).toContain('instances: 1/2 succeeded, 1 failed\n');
    expect(em.stdout).toContain('  i-0e2     Failed   yes         ApplicationStart           ValidateService\n');
    expect(em.stdout).toContain(`log:\n  [2026-11-23T12:01:00.000Z] failed\n`);
    expect(em.stdout).toContain(`agent log of i-0e2 (${LOG_URL}):\nBeforeInstall ok\nValidateService: port 8081 refused\n`);
    // read through this CLI's server, with its token, whatever address the agent used
    expect(em.seen.at(-1)).toMatchObject({ path: `logs/deployments/${ID}/i-0e2.log`, headers: { authorization: 'Bearer emt_test_token_1234' } });
    expect(await em.run('deployment', ID, '--logs', '--json')).toBe(0);
    expect(JSON.parse(em.stdout).agentLogs).toEqual({ 'i-0e2': 'BeforeInstall ok\nValidateService: port 8081 refused\n' });
  });

  it('says where to find the ids of an unknown deployment', async () => {
    const em = fakeEm();
    expect(await em.run('deployment', 'nope')).toBe(1);
    expect(em.stderr).toContain('hint: `envmgr deployments` lists the recent deployments');
  });

  it('cancels with PATCH {Status: Cancelled}; an ended one is refused with a hint', async () => {
    const em = fakeEm({ routes: (s) => (s.method === 'PATCH' ? (s.path.endsWith('d-2') ? problem(409, 'deployment-finished', "deployment 'd-2' is already succeeded") : { body: aDeployment({ status: 'cancelled', reason: 'cancelled by tester' }) }) : undefined) });
    expect(await em.run('cancel', ID)).toBe(0);
    expect(em.seen[0]).toMatchObject({ method: 'PATCH', path: `deployments/${ID}`, body: { Status: 'Cancelled' } });
    expect(em.stdout).toBe(`deployment ${ID} (Hello 1.1.0 to dev1) is cancelled: cancelled by tester\n`);
    expect(await em.run('cancel', 'd-2')).toBe(1);
    expect(em.stderr).toContain('hint: it has already ended; see it with `envmgr deployment d-2`');
  });

  it('rolls back and follows the new deployment', async () => {
    const em = fakeEm({ script: [succeeded], routes: (s) => (s.path === 'rollbacks' ? { status: 202, body: { ...aDeployment({ version: '1.0.0' }), rolledBackFrom: '1.1.0' } } : undefined) });
    expect(await em.run('rollback', 'Hello', '--env', 'dev1', '--slice', 'blue', '--wait')).toBe(0);
    expect(em.seen[0]).toMatchObject({ method: 'POST', body: { environment: 'dev1', service: 'Hello', slice: 'blue' } });
    expect(em.stdout.split('\n')[0]).toBe('rolling Hello in dev1 back from 1.1.0 to 1.0.0');
    expect(em.stdout).toContain('succeeded: Hello 1.1.0 to dev1, 2/2 succeeded');
  });
});

describe('parsing', () => {
  it('reads durations and log keys', () => {
    expect(parseDuration('90s')).toEqual({ ms: 90_000, text: '90s' });
    expect(parseDuration('10m').ms).toBe(600_000);
    expect(parseDuration('45').ms).toBe(45_000);
    expect(() => parseDuration('0')).toThrow();
    expect(logKeyOf('http://em:8080/api/v1/logs/deployments/d-1/i-1%20x.log')).toBe('deployments/d-1/i-1 x.log');
    expect(logKeyOf('https://s3.example/bucket/log.txt')).toBeUndefined();
  });
});
