// @vitest-environment jsdom
import { cleanup, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it } from 'vitest';
import { ADMIN, problem, READER } from '../testing/fake-api.js';
import { renderAt } from '../testing/render-app.js';


const dev1 = (version: number, value: Record<string, unknown> = {}) => ({
  EnvironmentName: 'dev1',
  Value: { EnvironmentType: 'Dev', OwningCluster: 'Infra', DeploymentMap: 'Standard', ...value },
  Version: version,
});

afterEach(cleanup);

describe('configuration editor', () => {
  it('generates the form from the schema and saves a change with the version it loaded', async () => {
    const sent: { body: unknown; ifMatch: string | undefined }[] = [];
    const { calls } = renderAt('/config/environments/dev1', {
      'GET /whoami': { body: ADMIN },
      'GET /config/environments/dev1': { body: dev1(2) },
      'PUT /config/environments/dev1': (body, headers) => {
        sent.push({ body, ifMatch: headers['if-match'] });
        return { body: { ...(body as object), Version: 3 } };
      },
    });
    const user = userEvent.setup();
    const name = await screen.findByLabelText<HTMLInputElement>('EnvironmentName (required)');
    expect(name.value).toBe('dev1');
    expect(name.disabled).toBe(true); // the key cannot change
    expect(screen.getByLabelText<HTMLInputElement>('Value.OwningCluster (required)').value).toBe('Infra');
    // an enum of the schema is a choice of its values
    const alerts = screen.getByLabelText<HTMLSelectElement>('Value.AlertSettings');
    expect([...alerts.options].map((o) => o.value)[0]).toBe('');
    await user.type(screen.getByLabelText('Value.Description'), 'made in a form');
    await user.click(screen.getByRole('button', { name: 'Save changes' }));
    expect((await screen.findByRole('status')).textContent).toContain('Saved as version 3');
    expect(sent).toEqual([{ body: { EnvironmentName: 'dev1', Value: { EnvironmentType: 'Dev', OwningCluster: 'Infra', DeploymentMap: 'Standard', Description: 'made in a form' } }, ifMatch: '"2"' }]);
    expect(calls).toContain('PUT /config/environments/dev1');

    // the JSON view shows the same item, and edits there go back to the form
    await user.click(screen.getByRole('button', { name: 'JSON' }));
    const json = screen.getByLabelText<HTMLTextAreaElement>('Environment as JSON');
    expect(JSON.parse(json.value)).toMatchObject({ Value: { Description: 'made in a form' } });
    await user.clear(json);
    await user.click(json);
    await user.paste(JSON.stringify({ EnvironmentName: 'dev1', Value: { EnvironmentType: 'Dev', OwningCluster: 'Payments' } }));
    await user.click(screen.getByRole('button', { name: 'Form' }));
    expect(screen.getByLabelText<HTMLInputElement>('Value.OwningCluster (required)').value).toBe('Payments');
  });

  it('shows the schema\'s error at its field without sending, and the API\'s field errors at theirs', async () => {
    const { calls } = renderAt('/config/environments/dev1', {
      'GET /whoami': { body: ADMIN },
      'GET /config/environments/dev1': { body: dev1(2) },
      'PUT /config/environments/dev1': problem(400, 'validation-failed', 'the environment is not valid', {
        errors: [{ path: 'Value.DeploymentMap', message: "deployment map 'Nope' does not exist" }],
      }),
    });
    const user = userEvent.setup();
    const cluster = await screen.findByLabelText<HTMLInputElement>('Value.OwningCluster (required)');
    await user.clear(cluster);
    await user.click(screen.getByRole('button', { name: 'Save changes' }));
    expect(cluster.getAttribute('aria-invalid')).toBe('true');
    expect(document.getElementById(cluster.getAttribute('aria-describedby')?.split(' ').pop() ?? '')?.textContent).toMatch(/must be 1-255 characters/);
    expect(calls).not.toContain('PUT /config/environments/dev1');

    await user.type(cluster, 'Infra');
    const map = screen.getByLabelText<HTMLInputElement>('Value.DeploymentMap');
    await user.clear(map);
    await user.type(map, 'Nope');
    await user.click(screen.getByRole('button', { name: 'Save changes' }));
    await screen.findByText("deployment map 'Nope' does not exist", { selector: '.field-error' });
    expect(map.getAttribute('aria-invalid')).toBe('true');
    expect(cluster.getAttribute('aria-invalid')).toBeNull();
    expect(screen.getAllByRole('alert').some((a) => a.textContent?.includes('validation-failed'))).toBe(true);
  });

  it('on a version conflict shows what changed since it was loaded, then re-applies the edits to the new version', async () => {
    let stored = dev1(2);
    const ifMatches: (string | undefined)[] = [];
    renderAt('/config/environments/dev1', {
      'GET /whoami': { body: ADMIN },
      'GET /config/environments/dev1': () => ({ body: stored }),
      'PUT /config/environments/dev1': (body, headers) => {
        ifMatches.push(headers['if-match']);
        if (headers['if-match'] !== `"${stored.Version}"`) return problem(409, 'version-conflict', 'environments dev1 changed since version 2', { currentVersion: stored.Version });
        stored = { ...(body as typeof stored), Version: stored.Version + 1 };
        return { body: stored };
      },
    });
    const user = userEvent.setup();
    await user.type(await screen.findByLabelText('Value.Description'), 'mine');
    // someone else changes the owning cluster meanwhile
    stored = dev1(3, { OwningCluster: 'Payments' });
    await user.click(screen.getByRole('button', { name: 'Save changes' }));
    const panel = await screen.findByRole('alert', { name: 'Changed by someone else' });
    expect(panel.textContent).toContain('You loaded version 2; it is now version 3');
    const row = within(panel).getByRole('row', { name: /Value\.OwningCluster/ });
    expect(row.textContent).toContain('"Infra"');
    expect(row.textContent).toContain('"Payments"');
    expect(screen.getByRole('button', { name: 'Save changes' })).toHaveProperty('disabled', true);

    await user.click(within(panel).getByRole('button', { name: 'Re-apply my edits to version 3' }));
    expect(screen.getByLabelText<HTMLInputElement>('Value.OwningCluster (required)').value).toBe('Payments');
    expect(screen.getByLabelText<HTMLInputElement>('Value.Description').value).toBe('mine');
    await user.click(screen.getByRole('button', { name: 'Save changes' }));
    expect((await screen.findByRole('status')).textContent).toContain('Saved as version 4');
    expect(ifMatches).toEqual(['"2"', '"3"']);
    expect(stored.Value).toMatchObject({ OwningCluster: 'Payments', Description: 'mine' });
  });

  it('creates an item and offers no writes to a reader', async () => {
    const created: unknown[] = [];
    renderAt('/config/new/clusters', {
      'GET /whoami': { body: ADMIN },
      'POST /config/clusters': (body) => {
        created.push(body);
        return { status: 201, body: { ...(body as object), Version: 1 } };
      },
      'GET /config/clusters/Web': { body: { ClusterName: 'Web', Value: { ShortName: 'WB' }, Version: 1 } },
    });
    const user = userEvent.setup();
    await user.type(await screen.findByLabelText('ClusterName (required)'), 'Web');
    await user.click(screen.getByRole('button', { name: 'Create cluster' }));
    // a required field of the schema that was left empty
    expect(screen.getByLabelText('Value.ShortName (required)').getAttribute('aria-invalid')).toBe('true');
    expect(created).toEqual([]);
    await user.type(screen.getByLabelText('Value.ShortName (required)'), 'WB');
    await user.click(screen.getByRole('button', { name: 'Create cluster' }));
    expect(await screen.findByRole('heading', { name: 'Cluster Web' })).toBeTruthy();
    expect(created).toEqual([{ ClusterName: 'Web', Value: { ShortName: 'WB' } }]);
    cleanup();

    renderAt('/config/clusters/Web', { 'GET /whoami': { body: READER }, 'GET /config/clusters/Web': { body: { ClusterName: 'Web', Value: {}, Version: 1 } } });
    await screen.findByRole('heading', { name: 'Cluster Web' });
    expect(screen.queryByRole('button', { name: 'Save changes' })).toBeNull();
    expect(screen.queryByRole('button', { name: 'Delete' })).toBeNull();
  });
});
