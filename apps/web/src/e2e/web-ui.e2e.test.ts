import { existsSync } from 'node:fs';
import { mkdir, readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureWebBuilt, isServerBuilt, ROOT, startEmServer, uploadExamplePackage, type EmServer } from './em-server.js';

// Issue 10's acceptance in a real browser (Debian's chromium, headless) against a real EM server in embedded mode:
// sign in as the bootstrap admin → create an environment → deploy the example service and watch it succeed live →
// toggle a slice → see the audit entry and revert it; a reader sees no deploy button and gets the 403 reason.
// Every main page is checked with axe-core and saved as a screenshot under apps/web/test-output/.
// needs-sqlite: it starts an EM server process (.ci/run runs it with the SQLite tests on Node 24).

const CHROMIUM = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium';
const hasChromium = existsSync(CHROMIUM);
const hasServer = isServerBuilt();
if (!hasChromium) console.warn(`skipping the web UI end-to-end test: no browser at ${CHROMIUM} (apt-get install -y chromium)`);
else if (!hasServer) console.warn('skipping the web UI end-to-end test: the server is not built (run `npx tsc -b` first, as `npm test` does)');

const ADMIN_PASSWORD = 'web-e2e-admin-password';
const READER_PASSWORD = 'web-e2e-reader-password';
const SHOTS = join(ROOT, 'apps/web/test-output/screenshots');
const AXE_SOURCE = (createRequire(import.meta.url)('axe-core') as { source: string }).source;
const QUICKSTART = join(ROOT, 'examples/quickstart');

interface AxeViolation {
  id: string;
  impact?: string | null;
  help: string;
  nodes: { target: unknown }[];
}

/** Runs axe-core in the page; returns the serious and critical violations. */
async function seriousViolations(page: Page): Promise<{ id: string; help: string; targets: unknown[] }[]> {
  await page.evaluate(AXE_SOURCE);
  const violations = await page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run(ctx: Document, opts: object): Promise<{ violations: AxeViolation[] }> } }).axe;
    return (await axe.run(document, { resultTypes: ['violations'] })).violations;
  });
  return violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => ({ id: v.id, help: v.help, targets: v.nodes.map((n) => n.target) }));
}

/** Checks accessibility and saves a screenshot of the page as it is now. */
async function checkPage(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });
  expect(await seriousViolations(page), `axe on ${name}`).toEqual([]);
}

describe.skipIf(!hasChromium || !hasServer)('web UI end to end (chromium against an embedded EM server)', () => {
  let em: EmServer;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    ensureWebBuilt();
    await mkdir(SHOTS, { recursive: true });
    em = await startEmServer({ adminPassword: ADMIN_PASSWORD, env: { ENVMGR_DRIVER_INTERVAL_MS: '200', ENVMGR_HEALTH_DEADLINE_MS: '15000' } });
    const map = JSON.parse(await readFile(join(QUICKSTART, 'deployment-map.json'), 'utf8')) as { Value: { DeploymentTarget: { AutoScalingSettings: Record<string, number> }[] } };
    // one instance per slice keeps the run short
    map.Value.DeploymentTarget[0]!.AutoScalingSettings = { MinCapacity: 1, DesiredCapacity: 1, MaxCapacity: 2 };
    for (const [type, body] of [
      ['clusters', JSON.parse(await readFile(join(QUICKSTART, 'cluster.json'), 'utf8'))],
      ['environment-types', JSON.parse(await readFile(join(QUICKSTART, 'environment-type.json'), 'utf8'))],
      ['services', JSON.parse(await readFile(join(QUICKSTART, 'service.json'), 'utf8'))],
      ['deployment-maps', map],
      ['users', { UserName: 'reader', Value: { DisplayName: 'Read only' } }],
    ] as const) {
      const r = await em.api(`/api/v1/config/${type}`, { body });
      expect(r.status, `${type}: ${await r.clone().text()}`).toBe(201);
    }
    expect((await em.api('/api/v1/users/reader/password', { method: 'PUT', body: { password: READER_PASSWORD } })).status).toBeLessThan(300);
    await uploadExamplePackage(em, 'Hello', '1.0.0');
    browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox'] });
    // axe is injected as a script: let it past the page's Content-Security-Policy
    const context = await browser.newContext({ viewport: { width: 1366, height: 860 }, bypassCSP: true });
    page = await context.newPage();
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await em?.stop();
  }, 60_000);

  it('signs in as the bootstrap admin and creates an environment', async () => {
    await page.goto(em.url);
    await page.getByLabel('User name').waitFor();
    await checkPage(page, '01-sign-in');
    await page.getByLabel('User name').fill('admin');
    await page.getByLabel('Password').fill('wrong password!');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect.poll(() => page.getByRole('alert').textContent()).toContain('invalid-credentials');
    await page.getByLabel('Password').fill(ADMIN_PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect.poll(() => page.getByTestId('who').textContent()).toBe('admin');

    await page.getByRole('heading', { name: 'New environment' }).waitFor();
    await page.getByLabel('Name', { exact: true }).fill('dev1');
    await page.getByLabel('Description').fill('made in the browser');
    await page.getByRole('button', { name: 'Create environment' }).click();
    await page.getByRole('heading', { name: 'Environment dev1' }).waitFor();
    await page.getByText('automatic').or(page.getByText('off', { exact: true })).first().waitFor();
    const created = await em.api('/api/v1/config/environments/dev1');
    expect(await created.json()).toMatchObject({ EnvironmentName: 'dev1', Value: { EnvironmentType: 'Dev', OwningCluster: 'Infra', DeploymentMap: 'Standard' } });
    await page.getByRole('link', { name: 'Environments' }).click();
    await page.getByRole('link', { name: 'dev1' }).waitFor();
    await checkPage(page, '02-environments');
  }, 60_000);

  it('previews and deploys the example service to the blue slice and sees it succeed live', async () => {
    // traffic goes through an upstream whose blue host is up; the toggle below switches it
    const upstream = { Value: { EnvironmentName: 'dev1', UpstreamName: 'dev1-hello', ServiceName: 'Hello', Hosts: [{ DnsName: 'dev1-Hello-blue', Port: 40100, State: 'up' }, { DnsName: 'dev1-Hello-green', Port: 40101, State: 'down' }] } };
    expect((await em.api('/api/v1/config/upstreams', { body: upstream })).status).toBe(201);

    await page.getByRole('link', { name: 'dev1' }).click();
    await page.getByRole('link', { name: 'Deploy to dev1' }).click();
    await page.getByLabel('Version').locator('option', { hasText: '1.0.0' }).waitFor({ state: 'attached' });
    await page.getByLabel('Mode').selectOption('bluegreen');
    await page.getByLabel('Slice').selectOption('blue');
    await page.getByRole('button', { name: 'Preview plan' }).click();
    await page.getByRole('heading', { name: /^Plan/ }).waitFor();
    expect(await page.locator('section[aria-labelledby="plan"]').textContent()).toContain('Hello 1.0.0 to dev1 (bluegreen, slice blue)');
    await checkPage(page, '03-deploy-form');

    await page.getByRole('button', { name: 'Deploy', exact: true }).click();
    await page.getByRole('heading', { name: 'Deployment of Hello 1.0.0 to dev1' }).waitFor();
    const seen = new Set<string>();
    const state = page.locator('.live .status');
    for (let i = 0; i < 600 && !seen.has('succeeded') && !seen.has('failed'); i++) {
      seen.add((await state.textContent()) ?? '');
      await page.waitForTimeout(150);
    }
    expect([...seen], await page.locator('.log').textContent() ?? '').toContain('succeeded');
    // the page changed state by itself, without a reload: it saw the deployment in progress first
    expect([...seen].some((s) => ['requested', 'provisioning', 'deploying'].includes(s))).toBe(true);
    await page.getByRole('cell', { name: 'Success' }).first().waitFor();
    await checkPage(page, '04-deployment');
  }, 150_000);

  it('toggles the slices with a confirmation, then sees the change in the audit and reverts it', async () => {
    // the green slice must be healthy before traffic may go to it
    const green = (await (await em.api('/api/v1/deployments', { body: { environment: 'dev1', service: 'Hello', version: '1.0.0', mode: 'bluegreen', slice: 'green' } })).json()) as { id: string };
    await expect
      .poll(async () => ((await (await em.api(`/api/v1/deployments/${green.id}`)).json()) as { status: string }).status, { timeout: 120_000, interval: 500 })
      .toBe('succeeded');

    await page.goto(`${em.url}/environments/dev1`);
    await page.getByRole('link', { name: 'Hello' }).click();
    await page.getByRole('heading', { name: /^Hello in/ }).waitFor();
    await page.getByRole('button', { name: 'Toggle slices' }).click();
    const dialog = page.getByRole('alertdialog');
    expect(await dialog.textContent()).toContain('from blue to green');
    await checkPage(page, '05-service-toggle');
    await dialog.getByRole('button', { name: 'Toggle' }).click();
    await expect.poll(() => page.getByRole('status').textContent()).toContain('dev1-hello now sends traffic to green');

    await page.getByRole('link', { name: 'Audit' }).click();
    await page.getByLabel('Type').selectOption('upstreams');
    await page.getByRole('button', { name: 'Filter' }).click();
    await page.getByRole('link', { name: 'upstreams//dev1_dev1-hello/config' }).first().click();
    await page.getByRole('heading', { name: /^Version 2: Updated by admin/ }).waitFor();
    await checkPage(page, '06-audit-history');
    await page.getByRole('button', { name: 'Revert to version 1' }).click();
    await page.getByRole('alertdialog').getByRole('button', { name: 'Revert' }).click();
    await page.getByRole('heading', { name: /^Version 3: Updated by admin/ }).waitFor();
    const item = (await (await em.api(`/api/v1/config/upstreams/${encodeURIComponent('/dev1_dev1-hello/config')}`)).json()) as { Value: { Hosts: { DnsName: string; State: string }[] } };
    expect(item.Value.Hosts.find((h) => h.DnsName === 'dev1-Hello-blue')?.State).toBe('up');
    expect(item.Value.Hosts.find((h) => h.DnsName === 'dev1-Hello-green')?.State).toBe('down');
    await page.getByRole('link', { name: 'Audit' }).click();
    await page.getByRole('link', { name: 'upstreams//dev1_dev1-hello/config' }).first().waitFor();
    await checkPage(page, '07-audit');
  }, 180_000);

  it('shows the environment servers view and compares two environments', async () => {
    const dev2 = { EnvironmentName: 'dev2', Value: { EnvironmentType: 'Dev', OwningCluster: 'Infra', DeploymentMap: 'Standard' } };
    expect((await em.api('/api/v1/config/environments', { body: dev2 })).status).toBe(201);
    await page.goto(`${em.url}/environments/dev1`);
    await page.getByRole('heading', { name: 'Servers' }).waitFor();
    await page.locator('table.servers').first().waitFor();
    expect(await page.locator('table.servers').first().textContent()).toContain('Hello 1.0.0');
    await checkPage(page, '08-environment');
    await page.getByRole('link', { name: 'Compare' }).click();
    await page.getByRole('cell', { name: 'differs' }).waitFor();
    await checkPage(page, '09-compare');
    await page.getByRole('link', { name: 'Deployments' }).click();
    await page.getByRole('link', { name: 'New deployment' }).waitFor();
    await checkPage(page, '10-deployments');
  }, 60_000);

  it('edits configuration with the schema-checked form, and visits admin, tokens, savings and the schedule', async () => {
    await page.getByRole('link', { name: 'Configuration' }).click();
    await page.getByRole('heading', { name: 'Configuration' }).waitFor();
    await page.getByRole('link', { name: 'Environments', exact: true }).last().click();
    await page.getByRole('link', { name: 'dev2', exact: true }).click();
    await page.getByRole('heading', { name: 'Environment dev2' }).waitFor();
    // a schema error is shown at its field and nothing is sent
    await page.getByLabel('Value.OwningCluster (required)').fill('');
    await page.getByRole('button', { name: 'Save changes' }).click();
    await page.locator('.field-error').first().waitFor();
    await page.getByLabel('Value.OwningCluster (required)').fill('Infra');
    await page.getByLabel('Value.Description').fill('edited in the form');
    // someone else saves first: the conflict shows their change, and the edit is re-applied on top of it
    const theirs = { EnvironmentName: 'dev2', Version: 1, Value: { EnvironmentType: 'Dev', OwningCluster: 'Infra', DeploymentMap: 'Standard', AlertSettings: 'ServiceOwner' } };
    expect((await em.api('/api/v1/config/environments/dev2', { method: 'PUT', body: theirs })).status).toBeLessThan(300);
    await page.getByRole('button', { name: 'Save changes' }).click();
    await page.getByRole('heading', { name: 'Changed by someone else' }).waitFor();
    await checkPage(page, '12-config-conflict');
    await page.getByRole('button', { name: /^Re-apply my edits/ }).click();
    await page.getByRole('button', { name: 'Save changes' }).click();
    await expect.poll(() => page.getByRole('status').first().textContent()).toContain('Saved as version 3');
    const saved = (await (await em.api('/api/v1/config/environments/dev2')).json()) as { Value: Record<string, unknown> };
    expect(saved.Value).toMatchObject({ Description: 'edited in the form', AlertSettings: 'ServiceOwner' });

    await page.getByRole('link', { name: 'Admin' }).click();
    await page.getByRole('table', { name: 'Users' }).waitFor();
    await checkPage(page, '13-admin');
    await page.getByRole('link', { name: 'API tokens' }).click();
    await page.getByLabel('What it is for').fill('e2e');
    await page.getByRole('button', { name: 'Create token' }).click();
    const secret = await page.getByLabel('Token secret').inputValue();
    expect(secret).toMatch(/^emt_/);
    await checkPage(page, '14-tokens');
    await page.getByRole('button', { name: 'Done' }).click();
    expect(await page.locator('body').textContent()).not.toContain(secret);

    await page.getByRole('link', { name: 'Savings' }).click();
    await page.getByRole('img', { name: /per environment/ }).waitFor();
    await checkPage(page, '15-savings');

    await page.goto(`${em.url}/environments/dev1`);
    await page.getByRole('heading', { name: 'Schedule', exact: true }).waitFor();
    await page.getByLabel('What if the time were').fill('2030-01-07T10:00');
    await expect.poll(() => page.getByTestId('schedule-answer').textContent()).toContain('2030');
    await page.getByRole('button', { name: 'Override' }).click();
    await expect.poll(() => page.locator('[aria-labelledby="schedule-override"] p').first().textContent()).toContain('Kept on until');
    await checkPage(page, '16-environment-schedule');
  }, 60_000);

  it('subscribes a webhook to events: a link-local URL is refused at its field, the signing secret is shown once', async () => {
    await page.getByRole('link', { name: 'Notifications' }).click();
    await page.getByText('No subscriptions.').waitFor();
    await page.getByText('No dead letters.').waitFor();
    await page.getByLabel('Name', { exact: true }).fill('dev1 failures');
    await page.getByLabel('Event types').fill('deployment.failed, environment.*');
    await page.getByLabel(/^Environments/).fill('dev1');
    await page.getByLabel('Webhook URL').fill('http://169.254.169.254/latest/meta-data/');
    await page.getByRole('button', { name: 'Create subscription' }).click();
    await expect.poll(() => page.getByRole('alert').textContent()).toContain('channel.url');
    // nothing listens there: deliveries would only be retried, and this run ends before they are dead
    await page.getByLabel('Webhook URL').fill('http://127.0.0.1:9/em-e2e');
    await page.getByRole('button', { name: 'Create subscription' }).click();
    const secret = await page.getByLabel('Signing secret').inputValue();
    expect(secret.length).toBeGreaterThanOrEqual(16);
    await page.getByRole('row', { name: /^dev1 failures / }).waitFor();
    await checkPage(page, '17-notifications');
    await page.getByRole('button', { name: 'Done' }).click();
    expect(await page.locator('body').textContent()).not.toContain(secret);
    const subscriptions = (await (await em.api('/api/v1/subscriptions')).json()) as unknown[];
    expect(subscriptions).toMatchObject([{ name: 'dev1 failures', eventTypes: ['deployment.failed', 'environment.*'], environments: ['dev1'], channel: { kind: 'webhook', url: 'http://127.0.0.1:9/em-e2e' }, enabled: true }]);
  }, 30_000);

  it('hides deploying from a reader, whose direct call gets the 403 reason', async () => {
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByLabel('User name').fill('reader');
    await page.getByLabel('Password').fill(READER_PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect.poll(() => page.getByTestId('who').textContent()).toBe('reader');
    await page.getByRole('link', { name: 'Deployments' }).click();
    await page.getByRole('heading', { name: 'Deployments' }).waitFor();
    await page.getByRole('cell', { name: 'Hello' }).first().waitFor();
    expect(await page.getByRole('link', { name: 'New deployment' }).count()).toBe(0);
    await page.goto(`${em.url}/environments/dev1`);
    await page.getByRole('heading', { name: 'Servers' }).waitFor();
    expect(await page.getByRole('link', { name: /^Deploy to/ }).count()).toBe(0);
    expect(await page.getByRole('button', { name: 'Lock deployments' }).isDisabled()).toBe(true);
    await checkPage(page, '11-reader-environment');
    // the same request the deploy form sends, from the reader's signed-in page (session cookie)
    const answer = await page.evaluate(async () => {
      const r = await fetch('/api/v1/deployments', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ environment: 'dev1', service: 'Hello', version: '1.0.0' }) });
      return { status: r.status, body: (await r.json()) as { code?: string; detail?: string } };
    });
    expect(answer.status).toBe(403);
    expect(answer.body.code).toBe('permission-denied');
    expect(answer.body.detail).toMatch(/POST/i);
  }, 60_000);
});
