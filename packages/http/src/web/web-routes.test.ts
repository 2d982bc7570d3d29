import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { aTestApp } from '../testing.js';

describe('web UI static files', () => {
  let root = '';
  let outside = '';
  const get = (app: ReturnType<typeof aTestApp>['app'], path: string, init: RequestInit = {}) => app.request(path, init);

  beforeAll(async () => {
    const dir = await mkdtemp(join(tmpdir(), 'envmgr-web-'));
    root = join(dir, 'dist');
    outside = join(dir, 'secret.txt');
    await mkdir(join(root, 'assets'), { recursive: true });
    await writeFile(join(root, 'index.html'), '<!doctype html><title>EM</title><div id="root"></div>');
    await writeFile(join(root, 'assets', 'index-abc123.js'), 'console.log(1)');
    await writeFile(outside, 'not for the web');
  });
  afterAll(() => rm(join(root, '..'), { recursive: true, force: true }));

  it('serves index.html at / and for client routes, without credentials, with a CSP', async () => {
    const { app } = aTestApp({ webRoot: root, realAuth: true });
    for (const path of ['/', '/environments/dev1', '/deployments/abc?x=1']) {
      const res = await get(app, path);
      expect(res.status, path).toBe(200);
      expect(res.headers.get('content-type')).toContain('text/html');
      expect(res.headers.get('content-security-policy')).toContain("default-src 'self'");
      expect(await res.text()).toContain('<div id="root">');
    }
  });

  it('serves hashed assets with their type and a long cache lifetime; a missing asset is a 404', async () => {
    const { app } = aTestApp({ webRoot: root, realAuth: true });
    const js = await get(app, '/assets/index-abc123.js');
    expect(js.status).toBe(200);
    expect(js.headers.get('content-type')).toContain('text/javascript');
    expect(js.headers.get('cache-control')).toContain('immutable');
    expect(await js.text()).toBe('console.log(1)');
    expect((await get(app, '/assets/missing-1.js')).status).toBe(404);
  });

  it('never leaves its folder', async () => {
    const { app } = aTestApp({ webRoot: root, realAuth: true });
    for (const path of ['/../secret.txt', '/%2e%2e/secret.txt', '/assets/%2e%2e/%2e%2e/secret.txt']) {
      const res = await get(app, path);
      expect(await res.text(), path).not.toContain('not for the web');
    }
  });

  it('leaves /api and /docs to the API: unknown API routes stay problem+json, writes still need permission', async () => {
    const { app } = aTestApp({ webRoot: root, realAuth: true });
    const unknown = await get(app, '/api/v1/nothing-here');
    expect(unknown.status).toBe(404);
    expect(unknown.headers.get('content-type')).toContain('application/problem+json');
    const write = await get(app, '/api/v1/config/clusters', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    expect(write.status).toBe(401);
    expect((await get(app, '/docs')).headers.get('content-type')).toContain('text/html');
    expect(await (await get(app, '/docs')).text()).not.toContain('<div id="root">');
  });

  it('answers with a hint when the UI is not built, and not at all without a web root', async () => {
    const { app } = aTestApp({ webRoot: join(root, 'nothing'), realAuth: true });
    const res = await get(app, '/');
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('npm run build');
    const { app: apiOnly } = aTestApp({ realAuth: true });
    expect((await get(apiOnly, '/')).status).toBe(404);
  });
});
