import { describe, expect, it } from 'vitest';
import { chatMessage, ownerChannelWants, ownerEndpoints, ownerQueueId, ownerQueueKind, type ChannelOwnershipFacts } from './owner-channels.js';

const env = { id: 'c50', targets: { ChatChannel: ['https://chat.example.com/env'] } };
const cluster = { id: 'infra', targets: { ChatChannel: ['https://chat.example.com/infra'], Paging: ['https://pager.example.com/infra'], Ticketing: 'https://tickets.example.com/infra' } };
const svc = { id: 'web', targets: { Paging: ['https://pager.example.com/web'] } };
const urls = (f: ChannelOwnershipFacts) => ownerEndpoints(f).map((e) => `${e.kind} ${e.settingsId} ${e.url}`);

describe('ownerEndpoints', () => {
  it.each<[string, ChannelOwnershipFacts, string[]]>([
    ['EnvironmentOwner: the owning cluster', { alertSettings: 'EnvironmentOwner', environment: env, cluster }, [
      'chat infra https://chat.example.com/infra', 'paging infra https://pager.example.com/infra', 'ticketing infra https://tickets.example.com/infra',
    ]],
    ['Custom: the environment, each kind falling back to the cluster', { alertSettings: 'Custom', environment: env, cluster }, [
      'chat c50 https://chat.example.com/env', 'paging infra https://pager.example.com/infra', 'ticketing infra https://tickets.example.com/infra',
    ]],
    ['absent: the environment when it names that kind', { environment: env, cluster }, [
      'chat c50 https://chat.example.com/env', 'paging infra https://pager.example.com/infra', 'ticketing infra https://tickets.example.com/infra',
    ]],
    ['ServiceOwner: the service\'s cluster', { alertSettings: 'ServiceOwner', serviceCluster: svc, cluster }, [
      'chat infra https://chat.example.com/infra', 'paging web https://pager.example.com/web', 'ticketing infra https://tickets.example.com/infra',
    ]],
    ['ContactEmailTag: a contact is an address only, so the cluster', { alertSettings: 'ContactEmailTag', environment: env, cluster }, [
      'chat infra https://chat.example.com/infra', 'paging infra https://pager.example.com/infra', 'ticketing infra https://tickets.example.com/infra',
    ]],
    ['nobody', { alertSettings: 'Custom' }, []],
  ])('%s', (_name, facts, expected) => expect(urls(facts)).toEqual(expected));
});

describe('ownerChannelWants', () => {
  const e = (type: string, payload = {}) => ({ type, payload });
  it.each([
    ['chat', e('deployment.failed'), true],
    ['chat', e('deployment.succeeded'), true],
    ['chat', e('deployment.requested'), false],
    ['chat', e('config.changed'), false],
    ['chat', e('environment.locked'), true],
    ['chat', e('schedule.action', { outcome: 'done' }), false],
    ['chat', e('schedule.action', { outcome: 'failed' }), true],
    ['paging', e('deployment.failed'), true],
    ['paging', e('deployment.succeeded'), false],
    ['paging', e('environment.locked'), false],
    ['ticketing', e('schedule.action', { outcome: 'failed' }), true],
  ] as const)('%s wants %o: %s', (kind, event, expected) => expect(ownerChannelWants(kind, event)).toBe(expected));
});

describe('owner queues', () => {
  it('are stable per endpoint, name the kind, and never show the URL', () => {
    const id = ownerQueueId('chat', 'https://hooks.slack.com/services/T0/B0/secret-token');
    expect(id).toMatch(/^owner-chat-[0-9a-f]{16}$/);
    expect(id).toBe(ownerQueueId('chat', 'https://hooks.slack.com/services/T0/B0/secret-token'));
    expect(id).not.toBe(ownerQueueId('chat', 'https://hooks.slack.com/services/T0/B0/other-token'));
    expect(ownerQueueKind(id)).toBe('chat');
    expect(ownerQueueKind(ownerQueueId('paging', 'https://p'))).toBe('paging');
    expect(ownerQueueKind('7c1e0c4e-2f7d-4a9e-9c1e-0123456789ab')).toBeUndefined();
  });
});

describe('chatMessage', () => {
  it('says what happened, where, why and by whom in one text field', () => {
    const msg = chatMessage({
      id: 'deployment.failed:d1', type: 'deployment.failed', at: '2026-01-05T10:00:00.000Z', actor: 'system:deployment-driver',
      subject: { environment: 'c50', service: 'Hello', deployment: 'd1' }, payload: { version: '1.2.0', reason: 'ValidateService failed on i-1' },
    });
    expect(msg).toEqual({
      text: '[Environment Manager] deployment.failed: c50 Hello 1.2.0\nreason: ValidateService failed on i-1\nby system:deployment-driver at 2026-01-05T10:00:00.000Z, deployment d1 (event deployment.failed:d1)',
    });
  });
});
