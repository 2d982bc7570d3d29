import { describe, expect, it } from 'vitest';
import { anEnvironment, cliHarness, problem, type SeenRequest } from './test-harness.js';

const CONFLICT_HINT =
  'hint: someone changed it since you read it: run `envmgr config get environments c50`, re-apply your change, and retry with the new Version\n';

describe('envmgr config list', () => {
  it('prints a table of key, version and the main fields', async () => {
    const cli = cliHarness(() => ({ body: [anEnvironment('c50', 4), anEnvironment('c51', 12)] }));
    expect(await cli.run('config', 'list', 'environments')).toBe(0);
    expect(cli.stdout).toBe(
      [
        'KEY  VERSION  TYPE     CLUSTER  DEPLOYMENT MAP',
        'c50  4        Cluster  Infra    Standard',
        'c51  12       Cluster  Infra    Standard',
        '',
      ].join('\n'),
    );
  });

  it('shows the derived keys of upstreams and lb-settings', async () => {
    const upstream = { key: '/c50_c50-search/config', Value: { EnvironmentName: 'c50', UpstreamName: 'c50-search', ServiceName: 'Search', Hosts: [{ DnsName: 'c50-Search-blue', Port: 40100, State: 'up' }] }, Version: 5 };
    const cli = cliHarness((r) => ({ body: r.path.endsWith('upstreams') ? [upstream] : [{ EnvironmentName: 'c50', VHostName: 'search', Value: { FrontEnd: true, ServerName: ['s.example.com'] }, Version: 1 }] }));
    await cli.run('config', 'list', 'upstreams');
    expect(cli.stdout).toContain('/c50_c50-search/config  5        Search   c50-Search-blue:40100 up');
    await cli.run('config', 'list', 'lb-settings');
    expect(cli.stdout).toContain('c50/search  1        true      s.example.com');
  });

  it('passes filters and limit, and notes when more pages exist', async () => {
    const cli = cliHarness(() => ({ body: [anEnvironment()], headers: { 'x-next-cursor': 'n1' } }));
    expect(await cli.run('config', 'list', 'environments', '--filter', 'environmentType=Dev', '--filter', 'cluster=Infra', '--limit', '1')).toBe(0);
    expect(cli.requests[0]?.url).toBe('http://127.0.0.1:8080/api/v1/config/environments?environmentType=Dev&cluster=Infra&limit=1');
    expect(cli.stderr).toContain('use --all');
  });

  it('refuses a filter the type does not have', async () => {
    const cli = cliHarness();
    expect(await cli.run('config', 'list', 'services', '--filter', 'environment=c50')).toBe(2);
    expect(cli.stderr).toBe("error: unknown filter 'environment': services can be filtered by cluster\n");
  });

  it('--all --json walks every page and prints one JSON array', async () => {
    const cli = cliHarness((r) =>
      r.query.get('cursor') === 'p2' ? { body: [anEnvironment('c51')] } : { body: [anEnvironment('c50')], headers: { 'x-next-cursor': 'p2' } },
    );
    expect(await cli.run('config', 'list', 'environments', '--all', '--json')).toBe(0);
    expect(JSON.parse(cli.stdout)).toEqual([anEnvironment('c50'), anEnvironment('c51')]);
    expect(cli.requests).toHaveLength(2);
    expect(cli.stderr).toBe('');
  });
});

describe('envmgr config get / create', () => {
  it('get prints the item as JSON, Version included, ready to edit', async () => {
    const cli = cliHarness(() => ({ body: anEnvironment(), headers: { etag: '"4"' } }));
    expect(await cli.run('config', 'get', 'environments', 'c50')).toBe(0);
    expect(cli.stdout).toBe(`${JSON.stringify(anEnvironment(), null, 2)}\n`);
    await cli.run('config', 'get', 'upstreams', '/c50_c50-search/config', '--json');
    expect(cli.requests[1]?.path).toBe('config/upstreams/%2Fc50_c50-search%2Fconfig');
  });

  it('create posts the file and reports the new version', async () => {
    const cli = cliHarness(() => ({ status: 201, body: anEnvironment('c52', 1), headers: { etag: '"1"' } }), { files: { 'env.json': JSON.stringify(anEnvironment('c52', 9)) } });
    expect(await cli.run('config', 'create', 'environments', '--file', 'env.json')).toBe(0);
    expect(cli.stdout).toBe("created environments 'c52' (version 1)\n");
    expect(cli.requests[0]).toMatchObject({ method: 'POST', path: 'config/environments', body: { EnvironmentName: 'c52', Value: anEnvironment().Value } });
  });

  it('create exits 2 on a missing or malformed file', async () => {
    const cli = cliHarness(undefined, { files: { 'bad.json': '{nope', 'list.json': '[]' } });
    expect(await cli.run('config', 'create', 'environments', '--file', 'missing.json')).toBe(2);
    expect(cli.stderr).toBe("error: cannot read 'missing.json': no such file\n");
    expect(await cli.run('config', 'create', 'environments', '--file', 'bad.json')).toBe(2);
    expect(cli.stderr).toContain("error: 'bad.json' is not valid JSON");
    expect(await cli.run('config', 'create', 'environments', '--file', 'list.json')).toBe(2);
    expect(cli.requests).toEqual([]);
  });

  it('create prints each located validation problem', async () => {
    const errors = [{ path: 'Value.EnvironmentType', message: 'required' }, { path: 'EnvironmentName', message: "'c-50' must match ^[A-Za-z][A-Za-z0-9]{0,31}$" }];
    const cli = cliHarness(() => problem(400, 'validation-failed', 'Value.EnvironmentType: required (and 1 more problem)', { errors }), { files: { 'e.json': '{}' } });
    expect(await cli.run('config', 'create', 'environments', '--file', 'e.json')).toBe(1);
    expect(cli.stderr).toBe(
      "error: Value.EnvironmentType: required (and 1 more problem)\n  Value.EnvironmentType: required\n  EnvironmentName: 'c-50' must match ^[A-Za-z][A-Za-z0-9]{0,31}$\n",
    );
  });
});

describe('envmgr config update', () => {
  const updated = () => ({ body: anEnvironment('c50', 5), headers: { etag: '"5"' } });
  const file = (version?: number) => JSON.stringify({ ...anEnvironment(), Version: version });

  it("sends the file's Version as If-Match", async () => {
    const cli = cliHarness(updated, { files: { 'c50.json': file(4) } });
    expect(await cli.run('config', 'update', 'environments', 'c50', '--file', 'c50.json')).toBe(0);
    expect(cli.requests[0]).toMatchObject({ method: 'PUT', path: 'config/environments/c50', headers: { 'if-match': '"4"' } });
    expect(cli.stdout).toBe("updated environments 'c50': version 4 -> 5\n");
  });

  it('prefers --expected-version over the file', async () => {
    const cli = cliHarness(updated, { files: { 'c50.json': file(2) } });
    await cli.run('config', 'update', 'environments', 'c50', '--file', 'c50.json', '--expected-version', '4');
    expect(cli.requests[0]?.headers['if-match']).toBe('"4"');
  });

  it('reads the item from stdin with --file -', async () => {
    const cli = cliHarness(updated);
    cli.setStdin('{"EnvironmentName":"c50",', '"Value":{},"Version":4}');
    expect(await cli.run('config', 'update', 'environments', 'c50', '--file', '-')).toBe(0);
    expect(cli.requests[0]).toMatchObject({ headers: { 'if-match': '"4"' }, body: { EnvironmentName: 'c50', Value: {} } });
  });

  it('exits 2 without an expected version, telling the user to get the item first', async () => {
    const cli = cliHarness(updated, { files: { 'c50.json': file(undefined) } });
    expect(await cli.run('config', 'update', 'environments', 'c50', '--file', 'c50.json')).toBe(2);
    expect(cli.stderr).toBe(
      'error: no expected version: the file has no Version and --expected-version was not given\n' +
        'hint: run `envmgr config get environments c50 > item.json` first, edit that file keeping its Version, then pass it with --file (or give --expected-version <n>)\n',
    );
    expect(cli.requests).toEqual([]);
  });

  it('exits 1 on a version conflict with the re-read hint', async () => {
    const cli = cliHarness(
      () => problem(409, 'version-conflict', "environment 'c50' is at version 6, not 4: someone changed it since you read it", { currentVersion: 6 }),
      { files: { 'c50.json': file(4) } },
    );
    expect(await cli.run('config', 'update', 'environments', 'c50', '--file', 'c50.json')).toBe(1);
    expect(cli.stderr).toBe(`error: environment 'c50' is at version 6, not 4: someone changed it since you read it\n${CONFLICT_HINT}`);
  });

  it('quotes keys with shell characters in hints', async () => {
    const cli = cliHarness(() => problem(409, 'version-conflict', 'conflict'), { files: { 'lb.json': file(1) } });
    await cli.run('config', 'update', 'lb-settings', 'c50/my vhost', '--file', 'lb.json');
    expect(cli.stderr).toContain("run `envmgr config get lb-settings 'c50/my vhost'`");
    expect(cli.requests[0]?.path).toBe('config/lb-settings/c50/my%20vhost');
  });
});

describe('envmgr config delete / history / revert', () => {
  it('delete needs --expected-version', async () => {
    const cli = cliHarness();
    expect(await cli.run('config', 'delete', 'clusters', 'Infra')).toBe(2);
    expect(cli.stderr).toContain("required option '--expected-version <n>' not specified");
    expect(cli.requests).toEqual([]);
  });

  it('delete sends If-Match and confirms', async () => {
    const cli = cliHarness(() => ({ status: 204 }));
    expect(await cli.run('config', 'delete', 'clusters', 'Old', '--expected-version', '2')).toBe(0);
    expect(cli.requests[0]).toMatchObject({ method: 'DELETE', headers: { 'if-match': '"2"' } });
    expect(cli.stdout).toBe("deleted clusters 'Old' (it was at version 2)\n");
  });

  it('delete of a referenced item lists who uses it', async () => {
    const referrers = [{ type: 'environments', key: 'c50' }, { type: 'services', key: 'Search' }];
    const cli = cliHarness(() => problem(409, 'still-referenced', "cluster 'Infra' is still used by environment 'c50', service 'Search'", { referrers }));
    expect(await cli.run('config', 'delete', 'clusters', 'Infra', '--expected-version', '1')).toBe(1);
    expect(cli.stderr).toBe(
      "error: cluster 'Infra' is still used by environment 'c50', service 'Search'\n" +
        "  used by environments 'c50'\n  used by services 'Search'\n" +
        'hint: change or delete the items that use it first, then retry\n',
    );
  });

  it('history prints time, actor, change and version', async () => {
    const rec = (seq: number, changeType: string, version: number) => ({
      seq, at: `2024-05-0${seq}T10:00:00.123Z`, actor: 'alice', requestId: 'r', entityType: 'environments', key: 'c50', changeType, before: null, after: {}, version, prevHash: '', hash: 'h',
    });
    const cli = cliHarness(() => ({ body: [rec(2, 'Updated', 2), rec(1, 'Created', 1)] }));
    expect(await cli.run('config', 'history', 'environments', 'c50')).toBe(0);
    expect(cli.requests[0]?.path).toBe('config/environments/c50/history');
    expect(cli.stdout).toBe(
      ['TIME                  ACTOR  CHANGE   VERSION', '2024-05-02 10:00:00Z  alice  Updated  2', '2024-05-01 10:00:00Z  alice  Created  1', ''].join('\n'),
    );
  });

  it('revert posts the target version with If-Match of the current one', async () => {
    const seen: SeenRequest[] = [];
    const cli = cliHarness((r) => (seen.push(r), { body: anEnvironment('c50', 7) }));
    expect(await cli.run('config', 'revert', 'environments', 'c50', '--to', '3', '--expected-version', '6')).toBe(0);
    expect(seen[0]).toMatchObject({ method: 'POST', path: 'config/environments/c50/revert', headers: { 'if-match': '"6"' }, body: { version: 3 } });
    expect(cli.stdout).toBe("reverted environments 'c50' to the data of version 3: now version 7\n");
  });
});
