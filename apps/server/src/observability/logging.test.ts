import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createHealthProbe } from './health.js';
import { createLogContext, createLogger } from './logging.js';

function capture() {
  const lines: Record<string, unknown>[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _enc, cb) {
      for (const l of chunk.toString().split('\n').filter(Boolean)) lines.push(JSON.parse(l) as Record<string, unknown>);
      cb();
    },
  });
  return { lines, logger: createLogger({ level: 'info', destination }) };
}

describe('logging', () => {
  it('redacts secrets by path, wherever the line puts them', () => {
    const { lines, logger } = capture();
    logger.info({
      password: 'p-1', headers: { authorization: 'Bearer t-2', cookie: 'environmentmanager=c-3' },
      config: { smtpPassword: 'p-4', jwtSecret: 'j-5', host: 'kept' }, body: { newPassword: 'p-6' }, subscription: { secret: 'whsec_7' },
    }, 'something');
    const text = JSON.stringify(lines);
    for (const secret of ['p-1', 't-2', 'c-3', 'p-4', 'j-5', 'p-6', 'whsec_7']) expect(text).not.toContain(secret);
    expect(lines[0]).toMatchObject({ password: '[redacted]', headers: { authorization: '[redacted]' }, config: { smtpPassword: '[redacted]', host: 'kept' }, msg: 'something' });
  });

  it('puts the request id, actor, deployment and trace on every line written while a request runs', async () => {
    const { lines, logger } = capture();
    const context = createLogContext();
    const log = context.wrap(logger);
    let actor: string | undefined;
    await context.run(() => ({ requestId: 'req-9', actor, deploymentId: 'd-1', traceId: undefined }), async () => {
      log.info({}, 'before sign-in');
      actor = 'alice';
      await new Promise((r) => setTimeout(r, 1));
      log.warn({ step: 'x' }, 'after sign-in');
    });
    log.info({}, 'outside');
    expect(lines.map((l) => [l['msg'], l['requestId'], l['actor'], l['deploymentId']])).toEqual([
      ['before sign-in', 'req-9', undefined, 'd-1'],
      ['after sign-in', 'req-9', 'alice', 'd-1'],
      ['outside', undefined, undefined, undefined],
    ]);
    expect(lines[1]).not.toHaveProperty('traceId');
  });
});

describe('health probe', () => {
  it('times each dependency; a hung critical one makes it down, a failed non-critical one degraded', async () => {
    const hang = () => new Promise(() => {});
    const fail = () => Promise.reject(Object.assign(new TypeError('connect ECONNREFUSED 10.0.0.7:25'), { code: 'ECONNREFUSED' }));
    const ok = () => Promise.resolve();
    const degraded = await createHealthProbe([{ name: 'store', probe: ok }, { name: 'smtp', critical: false, probe: fail }], { timeoutMs: 50 }).check();
    expect(degraded.status).toBe('degraded');
    expect(degraded.checks[1]).toMatchObject({ name: 'smtp', status: 'down', error: 'failed: ECONNREFUSED' });
    expect(JSON.stringify(degraded)).not.toContain('10.0.0.7');
    const down = await createHealthProbe([{ name: 'store', probe: hang }, { name: 'lock', probe: ok }], { timeoutMs: 50 }).check();
    expect(down.status).toBe('down');
    expect(down.checks[0]).toMatchObject({ status: 'down', error: 'no answer within 50 ms' });
    expect(down.checks[0]!.latencyMs).toBeGreaterThanOrEqual(40);
    expect(down.checks[1]).toMatchObject({ status: 'up', critical: true });
  });
});
