import { describe, expect, it } from 'vitest';
import { cliHarness, problem } from './test-harness.js';

const cluster = { ClusterName: 'Infra', Value: { ShortName: 'IN' }, Version: 1 };
const exportDoc = { format: 'envmgr-config', formatVersion: 1, items: { clusters: [cluster], services: [] } };
const dryRunResult = {
  dryRun: true,
  mode: 'replace',
  summary: { create: 1, update: 1, delete: 1, unchanged: 1 },
  changes: [
    { op: 'create', type: 'environments', key: 'c50', toVersion: 1 },
    { op: 'update', type: 'services', key: 'Search', fromVersion: 3, toVersion: 4 },
    { op: 'delete', type: 'clusters', key: 'Old', fromVersion: 2 },
    { op: 'unchanged', type: 'clusters', key: 'Infra', fromVersion: 1, toVersion: 1 },
  ],
};

describe('envmgr config export', () => {
  it('prints the document pretty with a trailing newline, for the chosen types', async () => {
    const cli = cliHarness(() => ({ body: exportDoc }));
    expect(await cli.run('config', 'export', '--type', 'clusters', '--type', 'services')).toBe(0);
    expect(cli.stdout).toBe(`${JSON.stringify(exportDoc, null, 2)}\n`);
    expect(cli.requests[0]?.url).toBe('http://127.0.0.1:8080/api/v1/config/export?types=clusters%2Cservices');
  });

  it('writes --output and says what it wrote', async () => {
    const cli = cliHarness(() => ({ body: exportDoc }));
    expect(await cli.run('config', 'export', '--output', 'backup.json')).toBe(0);
    expect(cli.files.get('backup.json')).toBe(`${JSON.stringify(exportDoc, null, 2)}\n`);
    expect(cli.stdout).toBe('exported 1 item of 2 types to backup.json\n');
  });

  it('rejects an unknown --type', async () => {
    const cli = cliHarness();
    expect(await cli.run('config', 'export', '--type', 'widgets')).toBe(2);
    expect(cli.stderr).toContain("unknown type 'widgets'");
  });
});

describe('envmgr config import', () => {
  it('shows a dry run as a diff, one line per change', async () => {
    const cli = cliHarness(() => ({ body: dryRunResult }), { files: { 'backup.json': JSON.stringify(exportDoc) } });
    expect(await cli.run('config', 'import', '--file', 'backup.json', '--mode', 'replace', '--dry-run')).toBe(0);
    expect(cli.requests[0]).toMatchObject({ method: 'POST', path: 'config/import', body: exportDoc });
    expect(cli.requests[0]?.query.toString()).toBe('mode=replace&dryRun=true');
    expect(cli.stdout).toBe(
      [
        'dry run (mode replace): nothing was changed; the import would make these changes:',
        '  CHANGE       TYPE          KEY     VERSION',
        '  + create     environments  c50     -> 1',
        '  ~ update     services      Search  3 -> 4',
        '  - delete     clusters      Old     2 ->',
        '  = unchanged  clusters      Infra   1',
        'would create 1, update 1, delete 1; 1 unchanged',
        'run it again without --dry-run to apply it',
        '',
      ].join('\n'),
    );
  });

  it('prints the raw result with --json and reads stdin with --file -', async () => {
    const applied = { ...dryRunResult, dryRun: false, mode: 'merge' };
    const cli = cliHarness(() => ({ body: applied }));
    cli.setStdin(JSON.stringify(exportDoc));
    expect(await cli.run('config', 'import', '--file', '-', '--json')).toBe(0);
    expect(JSON.parse(cli.stdout)).toEqual(applied);
    expect(cli.requests[0]?.query.toString()).toBe('mode=merge&dryRun=false');
  });

  it('sends an environment-manager export to the legacy route', async () => {
    const cli = cliHarness(() => ({ body: { ...dryRunResult, dryRun: false, mode: 'merge' } }), { files: { 'maps.json': '[{"DeploymentMapName":"Std"}]' } });
    expect(await cli.run('config', 'import', '--file', 'maps.json', '--legacy', 'deploymentmaps')).toBe(0);
    expect(cli.requests[0]).toMatchObject({ method: 'PUT', path: 'config/import/deploymentmaps', body: [{ DeploymentMapName: 'Std' }] });
    expect(cli.stdout).toContain('created 1, updated 1, deleted 1; 1 unchanged');
  });

  it('exits 2 on a bad mode, an unknown legacy resource, or a file of the wrong shape', async () => {
    const cli = cliHarness(undefined, { files: { 'doc.json': JSON.stringify(exportDoc), 'list.json': '[]' } });
    expect(await cli.run('config', 'import', '--file', 'doc.json', '--mode', 'overwrite')).toBe(2);
    expect(await cli.run('config', 'import', '--file', 'doc.json', '--legacy', 'widgets')).toBe(2);
    expect(cli.stderr).toContain('valid resources: accounts, clusters, deploymentmaps');
    expect(await cli.run('config', 'import', '--file', 'doc.json', '--legacy', 'clusters')).toBe(2);
    expect(await cli.run('config', 'import', '--file', 'list.json')).toBe(2);
    expect(cli.stderr).toContain('hint: for an environment-manager export array, add --legacy <resource>');
    expect(cli.requests).toEqual([]);
  });

  it('prints every problem of a refused import', async () => {
    const errors = [{ path: 'items.clusters.0.Value.ShortName', message: 'required' }, { path: 'items.environments.0.Value.OwningCluster', message: "cluster 'Nope' does not exist" }];
    const cli = cliHarness(() => problem(400, 'validation-failed', 'the document has 2 problems; nothing was imported', { errors }), { files: { 'doc.json': JSON.stringify(exportDoc) } });
    expect(await cli.run('config', 'import', '--file', 'doc.json')).toBe(1);
    expect(cli.stderr).toBe(
      'error: the document has 2 problems; nothing was imported\n' +
        '  items.clusters.0.Value.ShortName: required\n' +
        "  items.environments.0.Value.OwningCluster: cluster 'Nope' does not exist\n",
    );
  });
});
