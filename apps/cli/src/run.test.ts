import { describe, expect, it } from 'vitest';
import { anEnvironment, cliHarness, problem } from './test-harness.js';

describe('envmgr: usage, server choice and exit codes', () => {
  it('exits 2 on an unknown type, listing the valid ones, without calling the server', async () => {
    const cli = cliHarness();
    expect(await cli.run('config', 'list', 'envs')).toBe(2);
    expect(cli.stderr).toContain("unknown type 'envs'; valid types: accounts, notification-settings, clusters");
    expect(cli.requests).toEqual([]);
  });

  it('exits 2 on an unknown flag or a bad number', async () => {
    const cli = cliHarness();
    expect(await cli.run('config', 'list', 'environments', '--colour')).toBe(2);
    expect(cli.stderr).toContain("unknown option '--colour'");
    expect(await cli.run('config', 'list', 'environments', '--limit', 'ten')).toBe(2);
    expect(cli.stderr).toContain('expected a whole number');
    expect(await cli.run()).toBe(2);
  });

  it('prints help on stdout and exits 0', async () => {
    const cli = cliHarness();
    expect(await cli.run('config', 'update', '--help')).toBe(0);
    expect(cli.stdout).toContain('--expected-version <n>');
  });

  it('talks to --server, else ENVMGR_SERVER, else 127.0.0.1:8080', async () => {
    const cli = cliHarness(() => ({ body: [] }), { env: { ENVMGR_SERVER: 'http://env.test:9000' } });
    await cli.run('config', 'list', 'clusters');
    await cli.run('--server', 'http://flag.test:1234', 'config', 'list', 'clusters');
    await cli.run('config', 'list', 'clusters', '--server', 'http://after.test');
    await cliHarness(() => ({ body: [] })).run('config', 'list', 'clusters');
    expect(cli.requests.map((r) => new URL(r.url).origin)).toEqual(['http://env.test:9000', 'http://flag.test:1234', 'http://after.test']);
    const dflt = cliHarness(() => ({ body: [] }));
    await dflt.run('config', 'list', 'clusters');
    expect(dflt.requests[0]?.url).toBe('http://127.0.0.1:8080/api/v1/config/clusters');
  });

  it('exits 2 on a --server that is not an http URL', async () => {
    const cli = cliHarness();
    expect(await cli.run('--server', 'ftp://x', 'audit')).toBe(2);
    expect(cli.stderr).toContain("--server must be an http(s) URL such as http://127.0.0.1:8080, got 'ftp://x'");
  });

  it('exits 3 when the server is unreachable, naming the URL and suggesting npm start or --server', async () => {
    const cli = cliHarness(() => {
      throw Object.assign(new TypeError('fetch failed'), { cause: new Error('connect ECONNREFUSED 127.0.0.1:8080') });
    });
    expect(await cli.run('config', 'get', 'environments', 'c50')).toBe(3);
    expect(cli.stderr).toBe(
      'error: cannot reach the EM server at http://127.0.0.1:8080/api/v1/config/environments/c50 (connect ECONNREFUSED 127.0.0.1:8080)\n' +
        'hint: is the server running? Start it with `npm start`, or point at another one with --server <url> or ENVMGR_SERVER\n',
    );
  });

  it('exits 4 on a server error and prints the request id', async () => {
    const cli = cliHarness(() => problem(500, 'internal', 'unexpected error; quote the requestId'));
    expect(await cli.run('config', 'list', 'environments')).toBe(4);
    expect(cli.stderr).toBe('error: unexpected error; quote the requestId\nrequest id: req-7 (quote it when you report this)\n');
  });

  it('exits 4 when the answer breaks the contract', async () => {
    const cli = cliHarness(() => ({ body: { not: 'a list' } }));
    expect(await cli.run('config', 'list', 'environments')).toBe(4);
    expect(cli.stderr).toContain('does not match the API contract');
  });

  it('exits 1 when the server refuses, with a hint for not-found', async () => {
    const cli = cliHarness(() => problem(404, 'not-found', "environment 'c99' does not exist"));
    expect(await cli.run('config', 'get', 'environments', 'c99')).toBe(1);
    expect(cli.stderr).toBe("error: environment 'c99' does not exist\nhint: see what exists with `envmgr config list environments` (keys are case-sensitive)\n");
  });

  it('never sends or prints an Authorization header it was not given', async () => {
    const cli = cliHarness(() => ({ body: anEnvironment() }));
    await cli.run('config', 'get', 'environments', 'c50');
    expect(Object.keys(cli.requests[0]?.headers ?? {}).map((h) => h.toLowerCase())).not.toContain('authorization');
  });
});
