import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseSignatureHeader } from '@envmgr/domain';
import { createHttpWebhookSender } from './webhook-sender.js';

interface Received { headers: Record<string, string | string[] | undefined>; body: string }

describe('HTTP webhook sender (a real receiver on loopback)', () => {
  const received: Received[] = [];
  let status = 200;
  let server: Server;
  let url: string;
  beforeAll(async () => {
    server = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        received.push({ headers: req.headers, body });
        res.writeHead(status).end('ignored body');
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));
  const sender = createHttpWebhookSender();
  const post = (over: Partial<Parameters<typeof sender.post>[0]> = {}) =>
    sender.post({ url, body: '{"type":"deployment.failed"}', headers: { 'X-EM-Event-Id': 'e1' }, secret: 'topsecret', timestampSeconds: 1_700_000_000, timeoutMs: 2000, ...over });

  it('posts the body with a signature the receiver can verify', async () => {
    expect(await post()).toEqual({ ok: true, status: 200 });
    const got = received.at(-1)!;
    expect(got.body).toBe('{"type":"deployment.failed"}');
    expect(got.headers['x-em-event-id']).toBe('e1');
    const sig = parseSignatureHeader(String(got.headers['x-em-signature']));
    expect(sig?.timestampSeconds).toBe(1_700_000_000);
    const expected = createHmac('sha256', 'topsecret').update(`${sig!.timestampSeconds}.${got.body}`).digest();
    expect(timingSafeEqual(Buffer.from(sig!.digests[0]!, 'hex'), expected)).toBe(true);
    const forged = createHmac('sha256', 'other').update(`${sig!.timestampSeconds}.${got.body}`).digest();
    expect(timingSafeEqual(Buffer.from(sig!.digests[0]!, 'hex'), forged)).toBe(false);
  });

  it('posts without a signature when given no secret (a chat endpoint)', async () => {
    expect(await post({ secret: '', body: '{"text":"hello"}' })).toEqual({ ok: true, status: 200 });
    expect(received.at(-1)?.body).toBe('{"text":"hello"}');
    expect(received.at(-1)?.headers['x-em-signature']).toBeUndefined();
  });

  it('returns a receiver error or a refused connection as a failure with a reason', async () => {
    status = 503;
    expect(await post()).toEqual({ ok: false, status: 503, error: 'the receiver answered HTTP 503' });
    status = 200;
    expect(await post({ url: 'http://127.0.0.1:1/hook' })).toEqual({ ok: false, error: 'the receiver refused the connection' });
  });

  it('refuses a host name that resolves to a link-local address', async () => {
    // `169.254.169.254.nip.io`-style names need DNS; a literal in a numeric form goes through the same lookup
    const r = await post({ url: 'http://169.254.169.254:9/' });
    expect(r.ok).toBe(false);
  });
});
