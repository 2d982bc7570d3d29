import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { probeHttp } from './health-runner.js';

describe('http health probe', () => {
  let server: Server;
  let base = '';
  beforeAll(async () => {
    server = createServer((req, res) => {
      if (req.url === '/slow') return void setTimeout(() => res.end('late'), 1000);
      res.writeHead(Number(req.url?.slice(1)) || 200).end();
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  it.each([
    ['/200', 'passing', ': 200 OK'],
    ['/429', 'warning', ': 429 Too Many Requests'],
    ['/503', 'critical', ': 503 Service Unavailable'],
  ])('GET %s is %s', async (path, status, note) => {
    const r = await probeHttp(`${base}${path}`, 1000, false);
    expect(r.status).toBe(status);
    expect(r.note).toBe(`HTTP GET ${base}${path}${note}`);
  });

  it('a slow answer is critical after the timeout', async () => {
    expect(await probeHttp(`${base}/slow`, 100, false)).toEqual({ status: 'critical', note: `HTTP GET ${base}/slow: no answer within 100 ms` });
  });

  it('a refused connection is critical', async () => {
    const r = await probeHttp('http://127.0.0.1:1/health', 1000, false);
    expect(r.status).toBe('critical');
    expect(r.note).toMatch(/ECONNREFUSED/);
  });
});
