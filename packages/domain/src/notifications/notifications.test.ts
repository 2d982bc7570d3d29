import { describe, expect, it } from 'vitest';
import { checkWebhookUrl } from './webhook-url.js';
import { formatSignatureHeader, isFreshSignature, parseSignatureHeader, signedPayload } from './signature.js';
import { nextRetry } from './retry-schedule.js';
import { subscriptionMatches, subscriptionProblems } from './subscription.js';
import { ownerEmails } from './ownership.js';
import { toDomainEvent } from './domain-event.js';

describe('checkWebhookUrl', () => {
  it.each([
    ['https://hooks.example.com/em', true],
    ['http://127.0.0.1:9000/x', true],
    ['http://[::1]:8080/', true],
    ['ftp://example.com/', false],
    ['file:///etc/passwd', false],
    ['example.com/hook', false],
    ['http://169.254.169.254/latest/meta-data', false],
    ['http://169.254.1.1:80/', false],
    ['http://2852039166/', false],
    ['http://0xa9fea9fe/', false],
    ['http://0251.0376.0251.0376/', false],
    ['http://[fd00:ec2::254]/', false],
    ['http://[FD00:EC2:0:0:0:0:0:254]/', false],
    ['http://[fe80::1%25eth0]/', false],
    ['http://[::ffff:169.254.169.254]/', false],
    ['http://user:pw@169.254.169.254/', false],
    ['http:///nohost', false],
  ])('%s → allowed %s', (url, allowed) => {
    expect(checkWebhookUrl(url).ok).toBe(allowed);
  });

  it('says why', () => {
    expect(checkWebhookUrl('gopher://x')).toEqual({ ok: false, reason: 'must use http or https, not gopher' });
    expect(checkWebhookUrl('http://169.254.169.254/')).toMatchObject({ reason: expect.stringContaining('metadata') });
  });
});

describe('signature header', () => {
  it('round-trips and rejects malformed headers', () => {
    const digest = 'a'.repeat(64);
    expect(parseSignatureHeader(formatSignatureHeader(1700000000, digest))).toEqual({ timestampSeconds: 1700000000, digests: [digest] });
    expect(parseSignatureHeader('t=abc,v1=xyz')).toBeUndefined();
    expect(parseSignatureHeader('v1=' + digest)).toBeUndefined();
    expect(signedPayload(5, '{"a":1}')).toBe('5.{"a":1}');
  });

  it('accepts timestamps within the tolerance only', () => {
    expect(isFreshSignature(1000, 1000_000 + 299_000)).toBe(true);
    expect(isFreshSignature(1000, 1000_000 + 301_000)).toBe(false);
  });
});

describe('nextRetry', () => {
  const policy = { baseMs: 100, maxDelayMs: 1000, maxAttempts: 6 };
  it.each([
    [1, { retryInMs: 100 }],
    [2, { retryInMs: 200 }],
    [4, { retryInMs: 800 }],
    [5, { retryInMs: 1000 }],
    [6, 'dead'],
  ])('after %i failures → %o', (attempts, expected) => {
    expect(nextRetry(attempts, policy)).toEqual(expected);
  });
});

describe('subscriptionMatches', () => {
  const base = { eventTypes: ['deployment.*'], enabled: true };
  const failed = { type: 'deployment.failed', subject: { environment: 'c50', cluster: 'Infra' } };
  it.each([
    [base, true],
    [{ ...base, eventTypes: ['deployment.succeeded'] }, false],
    [{ ...base, eventTypes: ['*'] }, true],
    [{ ...base, environments: ['C50'] }, true],
    [{ ...base, environments: ['c51'] }, false],
    [{ ...base, clusters: ['infra'] }, true],
    [{ ...base, clusters: ['web'] }, false],
    [{ ...base, enabled: false }, false],
  ])('%o', (sub, expected) => {
    expect(subscriptionMatches(sub, failed)).toBe(expected);
  });

  it('reports problems by field path', () => {
    expect(subscriptionProblems({ eventTypes: ['Deploy!'], channel: { kind: 'webhook', url: 'http://169.254.169.254/' } }).map((p) => p.path)).toEqual(['eventTypes.0', 'channel.url']);
    expect(subscriptionProblems({ eventTypes: [], channel: { kind: 'email', to: ['nope'] } }).map((p) => p.path)).toEqual(['eventTypes', 'channel.to.0']);
  });
});

describe('ownerEmails', () => {
  const cluster = { NotificationEmail: ['infra@example.com'] };
  const env = { NotificationEmail: ['c50@example.com'] };
  it.each([
    [{ alertSettings: 'EnvironmentOwner', clusterSettings: cluster, environmentSettings: env }, ['infra@example.com']],
    [{ alertSettings: 'EnvironmentOwner', clusterGroupEmail: 'group@example.com' }, ['group@example.com']],
    [{ alertSettings: 'Custom', clusterSettings: cluster, environmentSettings: env }, ['c50@example.com']],
    [{ alertSettings: 'Custom', clusterSettings: cluster }, ['infra@example.com']],
    [{ alertSettings: 'ServiceOwner', serviceClusterSettings: { NotificationEmail: ['svc@example.com'] } }, ['svc@example.com']],
    [{ alertSettings: 'ContactEmailTag', contactEmail: 'role@example.com', clusterSettings: cluster }, ['role@example.com']],
    [{ environmentSettings: env, clusterSettings: cluster }, ['c50@example.com']],
    [{}, []],
  ])('%o → %o', (facts, expected) => {
    expect(ownerEmails(facts)).toEqual(expected);
  });
});

describe('toDomainEvent', () => {
  const update = (status: string) => ({ type: 'deployment.updated', subject: { deployment: 'd1', environment: 'c50' }, data: { id: 'd1', status } });
  it('maps a deployment to its outcome with an id stable per outcome', () => {
    expect(toDomainEvent(update('failed'))).toMatchObject({ id: 'deployment.failed:d1', type: 'deployment.failed', actor: 'system:deployment-driver' });
    expect(toDomainEvent(update('deploying'))).toBeUndefined();
    expect(toDomainEvent({ type: 'config.changed', subject: {}, data: {} })).toBeUndefined();
    expect(toDomainEvent({ type: 'traffic.toggled', subject: {}, data: { actor: 'alice' } })).toMatchObject({ type: 'traffic.toggled', actor: 'alice' });
  });
});
