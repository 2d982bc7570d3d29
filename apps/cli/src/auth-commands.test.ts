import { describe, expect, it } from 'vitest';
import { cliHarness, NOW, problem, type FakeAnswer, type HarnessInit, type SeenRequest } from './test-harness.js';

const SERVER = 'http://127.0.0.1:8080';
const CREDS = '/cfg/envmgr/credentials.json';
const JWT = 'eyJhbGciOiJFZERTQSJ9.eyJzdWIiOiJhbGljZSJ9.c2lnbmF0dXJl';
const SECRET = 'S3cr3tS3cr3tS3cr3t';
const tokenOf = (id: string) => `emt_${id}_${SECRET}${id}`;
const inDays = (days: number) => new Date(NOW.getTime() + days * 86_400_000).toISOString();

interface FakeToken {
  id: string;
  owner: string;
  name: string;
  permissions: Record<string, unknown>[] | null;
  createdAt: string;
  expiresAt: string;
  revokedAt: string | null;
}

/** A small stand-in for EM's identity routes: alice's password is `correct horse battery`. */
function fakeEm() {
  const tokens: FakeToken[] = [];
  let next = 1;
  const bearer = (req: SeenRequest) => /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
  type Who = { user: string; tokenId?: string } | 'anonymous' | { refused: FakeAnswer };
  const actor = (req: SeenRequest): Who => {
    const t = bearer(req);
    if (t === undefined) return 'anonymous';
    if (t === JWT) return { user: 'alice' };
    const found = tokens.find((k) => tokenOf(k.id) === t);
    if (!found) return { refused: problem(401, 'token-invalid', 'the API token is not valid; create a new one (envmgr token create)') };
    if (found.revokedAt) return { refused: problem(401, 'token-revoked', `API token '${found.id}' was revoked`) };
    return { user: found.owner, tokenId: found.id };
  };
  const respond = (req: SeenRequest): FakeAnswer => {
    const route = `${req.method} ${req.path}`;
    if (route === 'POST login' || route === 'POST token') {
      const body = req.body as { username: string; password: string };
      if (body.username !== 'alice' || body.password !== 'correct horse battery') return problem(401, 'invalid-credentials', 'the user name or password is wrong');
      return { body: { token: JWT, expiresInSeconds: 300, user: 'alice' }, headers: { 'set-cookie': 'environmentmanager=sess; HttpOnly' } };
    }
    const who = actor(req);
    if (typeof who === 'object' && 'refused' in who) return who.refused;
    if (route === 'POST logout') return { status: 204 };
    if (who === 'anonymous') return problem(401, 'login-required', 'sign in first: POST /api/v1/login, or envmgr login');
    if (route === 'GET whoami') {
      const name = who.tokenId ? `${who.user}/token:${who.tokenId}` : who.user;
      return { body: { name, kind: who.tokenId ? 'token' : 'user', user: who.user, isAdmin: false, permissions: [{ Resource: '/config/environments/**', Access: 'PUT', Clusters: ['Infra'] }, { Cluster: 'Web' }] } };
    }
    if (route === 'POST tokens') {
      if (who.tokenId) return problem(403, 'token-cannot-mint', 'API tokens are created by a signed-in user, not by another token');
      const body = req.body as { name: string; expiresInDays?: number; permissions?: Record<string, unknown>[] };
      const t: FakeToken = { id: `tok${next++}`, owner: who.user, name: body.name, permissions: body.permissions ?? null, createdAt: NOW.toISOString(), expiresAt: inDays(body.expiresInDays ?? 90), revokedAt: null };
      tokens.push(t);
      return { status: 201, body: { ...t, token: tokenOf(t.id) } };
    }
    if (route === 'GET tokens') return { body: [...tokens].reverse() };
    const revoke = /^DELETE tokens\/(.+)$/.exec(route);
    if (revoke) {
      const t = tokens.find((k) => k.id === revoke[1]);
      if (!t) return problem(404, 'not-found', `API token '${revoke[1]}' does not exist`);
      t.revokedAt = NOW.toISOString();
      return { status: 204 };
    }
    if (/^PUT users\/[^/]+\/password$/.test(route)) return { status: 204 };
    if (route.startsWith('GET config/')) return { body: [] };
    return { status: 404 };
  };
  return { tokens, respond };
}

function aCli(init: HarnessInit = {}) {
  const em = fakeEm();
  const cli = cliHarness(em.respond, { ...init, env: { ENVMGR_CONFIG_DIR: '/cfg/envmgr', ...init.env } });
  return { em, cli };
}

async function loggedIn(init: HarnessInit = {}, ...flags: string[]) {
  const made = aCli(init);
  made.cli.setStdin('correct horse battery\n');
  expect(await made.cli.run('login', '--user', 'alice', '--password-stdin', ...flags)).toBe(0);
  made.cli.setStdin();
  made.cli.requests.length = 0;
  return made;
}

const stored = (files: Map<string, string>, path = CREDS) => JSON.parse(files.get(path) ?? 'null') as Record<string, { token: string; user: string; expiresAt: string }> | null;
const authOf = (r: SeenRequest | undefined) => r?.headers.authorization;

describe('envmgr login', () => {
  it('signs in with --password-stdin, creates an API token and stores it in a 0600 file, written atomically', async () => {
    const { cli } = aCli();
    cli.setStdin('correct horse battery\n');
    expect(await cli.run('login', '--user', 'alice', '--password-stdin')).toBe(0);
    expect(cli.stdout).toBe(`signed in to ${SERVER} as alice (token valid for 90 days)\n`);
    expect(cli.stderr).toBe(`stored the API token 'envmgr CLI on build-7' (id tok1) in ${CREDS}; \`envmgr logout\` revokes it\n`);
    expect(cli.requests.map((r) => `${r.method} ${r.path} ${authOf(r) ?? '-'}`)).toEqual(['POST login -', `POST tokens Bearer ${JWT}`]);
    expect(cli.requests[0]?.body).toEqual({ username: 'alice', password: 'correct horse battery' });
    expect(cli.requests[1]?.body).toEqual({ name: 'envmgr CLI on build-7' });
    expect(stored(cli.files)).toEqual({ [SERVER]: { token: tokenOf('tok1'), user: 'alice', expiresAt: inDays(90) } });
    expect(cli.modes.get(CREDS)).toBe(0o600);
    expect(cli.modes.get('/cfg/envmgr')).toBe(0o700);
    expect(cli.fsLog).toEqual([
      'mkdir /cfg/envmgr',
      expect.stringMatching(/^create \/cfg\/envmgr\/credentials\.json\.[0-9a-f]+\.tmp$/),
      expect.stringMatching(/^rename \/cfg\/envmgr\/credentials\.json\.[0-9a-f]+\.tmp \/cfg\/envmgr\/credentials\.json$/),
    ]);
    expect([...cli.files.keys()]).toEqual([CREDS]);
  });

  it('later commands send the stored token as a bearer, to that server only', async () => {
    const { cli } = await loggedIn();
    expect(await cli.run('config', 'list', 'clusters')).toBe(0);
    expect(authOf(cli.requests[0])).toBe(`Bearer ${tokenOf('tok1')}`);
    await cli.run('--server', 'http://127.0.0.1:8080/', 'config', 'list', 'clusters');
    expect(authOf(cli.requests[1])).toBe(`Bearer ${tokenOf('tok1')}`);
    await cli.run('--server', 'http://other.test:8080', 'config', 'list', 'clusters');
    expect(cli.requests[2]?.headers).not.toHaveProperty('authorization');
  });

  it('--no-api-token keeps the 5-minute sign-in token itself', async () => {
    const { cli } = aCli();
    cli.setStdin('correct horse battery');
    expect(await cli.run('login', '--user', 'alice', '--password-stdin', '--no-api-token')).toBe(0);
    expect(cli.stdout).toBe(`signed in to ${SERVER} as alice (token valid for 5 min)\n`);
    expect(cli.requests.map((r) => r.path)).toEqual(['login']);
    expect(stored(cli.files)?.[SERVER]).toEqual({ token: JWT, user: 'alice', expiresAt: '2024-05-01T12:05:00.000Z' });
    expect(await cli.run('login', '--user', 'alice', '--password-stdin', '--no-api-token', '--days', '3')).toBe(2);
  });

  it('names the API token and its lifetime with --name and --days', async () => {
    const { cli } = aCli();
    cli.setStdin('correct horse battery\n');
    expect(await cli.run('login', '--user', 'alice', '--password-stdin', '--api-token', '--name', 'laptop', '--days', '7')).toBe(0);
    expect(cli.requests[1]?.body).toEqual({ name: 'laptop', expiresInDays: 7 });
    expect(cli.stdout).toContain('(token valid for 7 days)');
    expect(await cli.run('login', '--user', 'alice', '--password-stdin', '--days', '400')).toBe(2);
    expect(cli.stderr).toContain('expected a whole number of days from 1 to 366');
  });

  it('asks for the user name and, without echo, the password on a terminal', async () => {
    const { cli } = aCli({ terminal: ['alice', 'correct horse battery'] });
    expect(await cli.run('login')).toBe(0);
    expect(cli.asked).toEqual([
      { question: 'user name: ', secret: false },
      { question: `password for alice at ${SERVER}: `, secret: true },
    ]);
    expect(stored(cli.files)?.[SERVER]?.user).toBe('alice');
  });

  it('offers the stored user name when signing in again, and revokes the API token it replaces', async () => {
    const { cli, em } = await loggedIn({ terminal: ['', 'correct horse battery'] });
    expect(await cli.run('login')).toBe(0);
    expect(cli.asked[0]).toEqual({ question: 'user name [alice]: ', secret: false });
    expect(cli.requests.map((r) => `${r.method} ${r.path}`)).toEqual(['POST login', 'POST tokens', 'DELETE tokens/tok1']);
    expect(authOf(cli.requests[2])).toBe(`Bearer ${tokenOf('tok1')}`);
    expect(cli.stderr).toContain('revoked API token tok1, which envmgr used before');
    expect(em.tokens.map((t) => [t.id, t.revokedAt !== null])).toEqual([['tok1', true], ['tok2', false]]);
    expect(stored(cli.files)?.[SERVER]?.token).toBe(tokenOf('tok2'));
  });

  it('exits 2 without a terminal unless --user and --password-stdin say it all', async () => {
    const { cli } = aCli();
    expect(await cli.run('login')).toBe(2);
    expect(cli.stderr).toBe('error: --user is required when there is no terminal to ask on\n');
    expect(await cli.run('login', '--user', 'alice')).toBe(2);
    expect(cli.stderr).toBe('error: no terminal to ask for the password on\nhint: pipe it in with --password-stdin\n');
    cli.setStdin('\n');
    expect(await cli.run('login', '--user', 'alice', '--password-stdin')).toBe(2);
    expect(cli.stderr).toBe('error: no password given on stdin: nothing was sent\n');
    expect(cli.requests).toEqual([]);
  });

  it('exits 1 on a wrong password, storing nothing and never printing the password', async () => {
    const { cli } = aCli();
    cli.setStdin('wrong password\n');
    expect(await cli.run('login', '--user', 'alice', '--password-stdin')).toBe(1);
    expect(cli.stderr).toBe('error: the user name or password is wrong\nhint: check the user name and password\n');
    expect(cli.stdout).toBe('');
    expect(cli.files.size).toBe(0);
  });

  it('exits 1 on too many attempts, saying how long to wait', async () => {
    const cli = cliHarness(() => ({ ...problem(429, 'too-many-attempts', 'too many failed sign-ins; wait 30 s and try again'), headers: { 'content-type': 'application/problem+json', 'retry-after': '30' } }));
    cli.setStdin('pw');
    expect(await cli.run('login', '--user', 'alice', '--password-stdin')).toBe(1);
    expect(cli.stderr).toBe('error: too many failed sign-ins; wait 30 s and try again\nhint: wait 30 s before trying again\n');
  });

  it('warns before sending a password over plain http to another machine', async () => {
    const { cli } = aCli({ env: { ENVMGR_SERVER: 'http://em.example.com' } });
    cli.setStdin('correct horse battery');
    await cli.run('login', '--user', 'alice', '--password-stdin');
    expect(cli.stderr).toContain('warning: http://em.example.com is plain http');
  });

  it('stores under $XDG_CONFIG_HOME/envmgr, else ~/.config/envmgr, keeping other servers', async () => {
    const { cli } = aCli({ env: { ENVMGR_CONFIG_DIR: '', XDG_CONFIG_HOME: '/xdg' } });
    cli.setStdin('correct horse battery');
    await cli.run('login', '--user', 'alice', '--password-stdin');
    expect(stored(cli.files, '/xdg/envmgr/credentials.json')?.[SERVER]?.user).toBe('alice');
    delete cli.env.XDG_CONFIG_HOME;
    cli.env.ENVMGR_SERVER = 'http://em.test';
    cli.files.set('/home/tester/.config/envmgr/credentials.json', JSON.stringify({ 'https://other.test': { token: 'emt_x_y', user: 'bob', expiresAt: null } }));
    await cli.run('login', '--user', 'alice', '--password-stdin');
    expect(Object.keys(stored(cli.files, '/home/tester/.config/envmgr/credentials.json') ?? {})).toEqual(['https://other.test', 'http://em.test']);
    expect(cli.modes.get('/home/tester/.config/envmgr/credentials.json')).toBe(0o600);
  });

  it('refuses to overwrite a credentials file it cannot read', async () => {
    const { cli } = aCli({ files: { [CREDS]: '{not json' } });
    cli.setStdin('correct horse battery');
    expect(await cli.run('login', '--user', 'alice', '--password-stdin')).toBe(2);
    expect(cli.stderr).toBe(`error: the credentials file '${CREDS}' is not a JSON object\nhint: delete it and run \`envmgr login\` again\n`);
    expect(cli.files.get(CREDS)).toBe('{not json');
  });
});

describe('which token is sent', () => {
  it('--token wins over ENVMGR_TOKEN, which wins over the stored token', async () => {
    const { cli } = await loggedIn();
    cli.env.ENVMGR_TOKEN = 'emt_env_token';
    await cli.run('config', 'list', 'clusters', '--token', 'emt_flag_token');
    await cli.run('config', 'list', 'clusters');
    cli.env.ENVMGR_TOKEN = '';
    await cli.run('config', 'list', 'clusters');
    expect(cli.requests.map(authOf)).toEqual(['Bearer emt_flag_token', 'Bearer emt_env_token', `Bearer ${tokenOf('tok1')}`]);
  });

  it('exits 2 on a token that cannot be a header, without printing it', async () => {
    const { cli } = aCli({ env: { ENVMGR_TOKEN: 'emt_abc_sec ret' } });
    expect(await cli.run('config', 'list', 'clusters')).toBe(2);
    expect(cli.stderr).toBe('error: ENVMGR_TOKEN is not a valid token: it is empty or holds spaces, control or non-ASCII characters\n');
    expect(cli.requests).toEqual([]);
  });

  it('trims a trailing line break from ENVMGR_TOKEN', async () => {
    const { cli } = aCli({ env: { ENVMGR_TOKEN: 'emt_abc_secret\n' } });
    await cli.run('config', 'list', 'clusters');
    expect(authOf(cli.requests[0])).toBe('Bearer emt_abc_secret');
  });
});

describe('envmgr whoami', () => {
  it('prints the actor, how it signed in and its permissions', async () => {
    const { cli } = await loggedIn();
    expect(await cli.run('whoami')).toBe(0);
    expect(cli.stdout).toBe(
      [
        'user:        alice',
        'signed in:   API token tok1 (audit name alice/token:tok1)',
        'admin:       no',
        'permissions:',
        "  PUT on /config/environments/** for clusters 'Infra'",
        "  cluster 'Web' (widens the permissions above)",
        `server:      ${SERVER}`,
        'credentials: stored by envmgr login, valid until 2024-07-30 12:00:00Z',
        '',
      ].join('\n'),
    );
    expect(await cli.run('whoami', '--json')).toBe(0);
    expect(JSON.parse(cli.stdout)).toMatchObject({ name: 'alice/token:tok1', kind: 'token', isAdmin: false });
  });

  it('exits 1 with a hint to run envmgr login when not signed in', async () => {
    const { cli } = aCli();
    expect(await cli.run('whoami')).toBe(1);
    expect(cli.stderr).toBe(
      'error: sign in first: POST /api/v1/login, or envmgr login\n' +
        `hint: run \`envmgr login\` to sign in to ${SERVER} (pipelines: set ENVMGR_TOKEN to an API token)\n`,
    );
  });

  it('names the refused credential in the 401 hint', async () => {
    const { cli } = await loggedIn();
    cli.env.ENVMGR_TOKEN = 'emt_nope_nope';
    expect(await cli.run('config', 'list', 'clusters')).toBe(1);
    expect(cli.stderr).toContain('hint: the token in ENVMGR_TOKEN was refused: set a valid one (`envmgr token create`), or unset it and run `envmgr login`');
    expect(await cli.run('whoami', '--token', 'emt_nope_nope')).toBe(1);
    expect(cli.stderr).toContain('hint: the token given with --token was refused');
    delete cli.env.ENVMGR_TOKEN;
    expect(await cli.run('token', 'revoke', 'tok1')).toBe(0);
    cli.files.set(CREDS, JSON.stringify({ [SERVER]: { token: tokenOf('tok1'), user: 'alice', expiresAt: inDays(90) } }));
    expect(await cli.run('whoami')).toBe(1);
    expect(cli.stderr).toBe(`error: API token 'tok1' was revoked\nhint: the stored token to ${SERVER} was refused: run \`envmgr login\` to sign in again\n`);
  });
});

describe('envmgr logout', () => {
  it('revokes the stored API token, signs out and forgets it', async () => {
    const { cli, em } = await loggedIn();
    expect(await cli.run('logout')).toBe(0);
    expect(cli.stdout).toBe(`signed out of ${SERVER} (API token tok1 revoked)\n`);
    expect(cli.requests.map((r) => `${r.method} ${r.path} ${authOf(r) ?? '-'}`)).toEqual([
      `POST logout Bearer ${tokenOf('tok1')}`,
      `DELETE tokens/tok1 Bearer ${tokenOf('tok1')}`,
    ]);
    expect(em.tokens[0]?.revokedAt).not.toBeNull();
    expect(cli.files.has(CREDS)).toBe(false);
    expect(await cli.run('logout')).toBe(0);
    expect(cli.stdout).toBe(`not signed in to ${SERVER} (no token stored in ${CREDS})\n`);
    cli.requests.length = 0;
    await cli.run('config', 'list', 'clusters');
    expect(cli.requests[0]?.headers).not.toHaveProperty('authorization');
  });

  it('keeps the other servers and forgets a sign-in token it cannot revoke', async () => {
    const other = { 'https://other.test': { token: 'emt_x_y', user: 'bob', expiresAt: null } };
    const { cli } = await loggedIn({ files: { [CREDS]: JSON.stringify(other) } }, '--no-api-token');
    expect(await cli.run('logout')).toBe(0);
    expect(cli.requests.map((r) => r.path)).toEqual(['logout']);
    expect(cli.stderr).toBe('note: a sign-in token cannot be revoked; it stops working by itself at 2024-05-01 12:05:00Z\n');
    expect(stored(cli.files)).toEqual(other);
    expect(cli.modes.get(CREDS)).toBe(0o600);
  });

  it('forgets a token the server already revoked', async () => {
    const { cli, em } = await loggedIn();
    if (em.tokens[0]) em.tokens[0].revokedAt = NOW.toISOString();
    expect(await cli.run('logout')).toBe(0);
    expect(cli.stdout).toBe(`signed out of ${SERVER} (API token tok1 was already revoked or expired)\n`);
    expect(cli.files.has(CREDS)).toBe(false);
  });

  it('forgets the token but says so, and exits 3, when the server cannot be reached to revoke it', async () => {
    const { cli } = await loggedIn();
    cli.env.ENVMGR_SERVER = 'http://127.0.0.1:8080';
    const offline = cliHarness(
      () => {
        throw new TypeError('fetch failed');
      },
      { env: { ENVMGR_CONFIG_DIR: '/cfg/envmgr' }, files: Object.fromEntries(cli.files) },
    );
    expect(await offline.run('logout')).toBe(3);
    expect(offline.stderr).toContain('could not revoke API token tok1 on the server: it stays valid until 2024-07-30 12:00:00Z');
    expect(offline.stderr).not.toContain(SECRET);
    expect(offline.files.has(CREDS)).toBe(false);
  });
});

describe('envmgr token', () => {
  it('create prints the secret once on stdout, with a warning on stderr', async () => {
    const { cli } = await loggedIn({}, '--no-api-token');
    expect(await cli.run('token', 'create', '--name', 'deploy from CI', '--days', '30')).toBe(0);
    expect(cli.stdout).toBe(`${tokenOf('tok1')}\n`);
    expect(cli.stderr).toBe(
      "created API token 'deploy from CI' (id tok1) for alice, valid until 2024-05-31 12:00:00Z\n" +
        'warning: this is the only time the token is shown: store it now in a secret store (never in a repository).\n' +
        'use it as ENVMGR_TOKEN or Authorization: Bearer; revoke it with `envmgr token revoke tok1`\n',
    );
    expect(cli.requests[0]).toMatchObject({ method: 'POST', path: 'tokens', body: { name: 'deploy from CI', expiresInDays: 30 }, headers: { authorization: `Bearer ${JWT}` } });
    expect(await cli.run('token', 'create', '--name', 'ci', '--json')).toBe(0);
    expect(JSON.parse(cli.stdout)).toMatchObject({ id: 'tok2', token: tokenOf('tok2') });
  });

  it('create limits the token to the entries of --permissions-file', async () => {
    const perms = [{ Resource: '/config/clusters', Access: 'POST' }];
    const { cli } = await loggedIn({ files: { 'perms.json': JSON.stringify(perms), 'bad.json': '{"Resource": "/x"}' } }, '--no-api-token');
    expect(await cli.run('token', 'create', '--name', 'clusters only', '--permissions-file', 'perms.json')).toBe(0);
    expect(cli.requests[0]?.body).toEqual({ name: 'clusters only', permissions: perms });
    expect(cli.stderr).toContain('limited to 1 permission entry');
    expect(await cli.run('token', 'create', '--name', 'x', '--permissions-file', 'bad.json')).toBe(2);
    expect(cli.stderr).toContain("'bad.json' must hold a JSON array of permission entries");
    expect(cli.requests).toHaveLength(1);
  });

  it('create signs in with the password for the request when envmgr holds an API token', async () => {
    const { cli } = await loggedIn({ terminal: ['', 'correct horse battery'] });
    expect(await cli.run('token', 'create', '--name', 'ci')).toBe(0);
    expect(cli.asked.map((a) => a.secret)).toEqual([false, true]);
    expect(cli.requests.map((r) => `${r.method} ${r.path} ${authOf(r) ?? '-'}`)).toEqual(['POST token -', `POST tokens Bearer ${JWT}`]);
    expect(cli.stdout).toBe(`${tokenOf('tok2')}\n`);
    expect(stored(cli.files)?.[SERVER]?.token).toBe(tokenOf('tok1'));
  });

  it('create exits 2 with an API token and no way to ask for the password', async () => {
    const { cli } = await loggedIn();
    expect(await cli.run('token', 'create', '--name', 'ci')).toBe(2);
    expect(cli.stderr).toBe(
      'error: API tokens cannot create API tokens, and there is no terminal to ask for your password on\nhint: pass --user <name> --password-stdin to sign in for this request\n',
    );
    cli.setStdin('correct horse battery\n');
    expect(await cli.run('token', 'create', '--name', 'ci', '--user', 'alice', '--password-stdin')).toBe(0);
    expect(cli.requests.map((r) => r.path)).toEqual(['token', 'tokens']);
  });

  it('list shows the tokens, marking the one in use; revoke revokes by id', async () => {
    const { cli } = await loggedIn();
    expect(await cli.run('token', 'list')).toBe(0);
    expect(cli.stdout).toBe(
      [
        'ID    NAME                   OWNER  CREATED               EXPIRES               STATUS                PERMISSIONS',
        "tok1  envmgr CLI on build-7  alice  2024-05-01 12:00:00Z  2024-07-30 12:00:00Z  active (in use here)  all of the owner's",
        '',
      ].join('\n'),
    );
    await cli.run('token', 'list', '--owner', 'bob', '--json');
    expect(cli.requests.at(-1)?.url).toBe(`${SERVER}/api/v1/tokens?owner=bob`);
    expect(JSON.parse(cli.stdout)).toHaveLength(1);
    expect(await cli.run('token', 'revoke', 'nope')).toBe(1);
    expect(cli.stderr).toBe("error: API token 'nope' does not exist\n");
  });

  it('revoking the token in use forgets it', async () => {
    const { cli } = await loggedIn();
    expect(await cli.run('token', 'revoke', 'tok1')).toBe(0);
    expect(cli.stdout).toBe('revoked API token tok1\n');
    expect(cli.stderr).toContain('that was the token envmgr used for http://127.0.0.1:8080; it is forgotten');
    expect(cli.files.has(CREDS)).toBe(false);
  });
});

describe('envmgr users set-password', () => {
  it('sets the password read from stdin', async () => {
    const { cli } = await loggedIn();
    cli.setStdin('a-long-new-password\n');
    expect(await cli.run('users', 'set-password', 'bob', '--password-stdin')).toBe(0);
    expect(cli.stdout).toBe('set the password of bob\n');
    expect(cli.requests[0]).toMatchObject({ method: 'PUT', path: 'users/bob/password', body: { password: 'a-long-new-password' } });
    expect(cli.stdout + cli.stderr).not.toContain('a-long-new-password');
  });

  it('asks twice on a terminal, and refuses a mismatch or a short password before sending', async () => {
    const { cli } = await loggedIn({ terminal: ['a-long-new-password', 'a-long-new-passw0rd', 'short', 'short', 'a-long-new-password', 'a-long-new-password'] });
    expect(await cli.run('users', 'set-password', 'alice')).toBe(2);
    expect(cli.stderr).toBe('error: the two passwords differ: nothing was changed\n');
    expect(await cli.run('users', 'set-password', 'alice')).toBe(2);
    expect(cli.stderr).toBe('error: the password must be at least 12 characters long: nothing was changed\n');
    expect(cli.requests).toEqual([]);
    expect(await cli.run('users', 'set-password', 'alice')).toBe(0);
    expect(cli.asked.map((a) => [a.question, a.secret])).toEqual(
      Array.from({ length: 3 }, () => [
        ['new password for alice: ', true],
        ['repeat it: ', true],
      ]).flat(),
    );
  });
});

describe('errors and secrecy', () => {
  it('a 403 prints the missing permission and exits 1', async () => {
    const missing = { resource: '/config/environments/c50', access: 'PUT', clusters: ['Infra'], environmentTypes: [] };
    const cli = cliHarness(() => problem(403, 'permission-denied', "needs PUT on /config/environments/c50 for cluster 'Infra'; none of your permissions matches /config/environments/c50", { missing }));
    expect(await cli.run('config', 'delete', 'environments', 'c50', '--expected-version', '3')).toBe(1);
    expect(cli.stderr).toBe(
      "error: needs PUT on /config/environments/c50 for cluster 'Infra'; none of your permissions matches /config/environments/c50\n" +
        'hint: ask an administrator to grant it (in a permission set named after you or one of your groups); `envmgr whoami` lists what you have\n',
    );
  });

  it('a 403 whose detail does not say what is missing gets the missing permission spelled out', async () => {
    const missing = { resource: '/config/environments', access: 'POST', clusters: ['Web'], environmentTypes: ['Prod', 'Dev'] };
    const cli = cliHarness(() => problem(403, 'permission-denied', 'you may not do that', { missing }));
    expect(await cli.run('config', 'list', 'environments')).toBe(1);
    expect(cli.stderr).toBe(
      'error: you may not do that\n' +
        "  needs POST on /config/environments for cluster 'Web' and environment types 'Prod', 'Dev'\n" +
        'hint: ask an administrator to grant it (in a permission set named after you or one of your groups); `envmgr whoami` lists what you have\n',
    );
  });

  it('never prints the token, except on token create', async () => {
    const { cli } = await loggedIn({}, '--no-api-token');
    const outputs: string[] = [];
    const secretOf = (s: string) => s.includes(SECRET) || s.includes(JWT);
    for (const argv of [['whoami'], ['whoami', '--json'], ['token', 'list'], ['token', 'list', '--json'], ['config', 'list', 'clusters'], ['config', 'get', 'clusters', 'nope'], ['token', 'revoke', 'nope']]) {
      await cli.run(...argv);
      outputs.push(cli.stdout + cli.stderr);
    }
    await cli.run('token', 'create', '--name', 'ci');
    expect(secretOf(cli.stdout)).toBe(true);
    expect(secretOf(cli.stderr)).toBe(false);
    await cli.run('logout');
    outputs.push(cli.stdout + cli.stderr);
    expect(outputs.filter(secretOf)).toEqual([]);
  });

  it('keeps the token out of a failure to reach the server', async () => {
    const cli = cliHarness(
      () => {
        throw Object.assign(new TypeError('fetch failed'), { cause: new Error(`bad header "Bearer emt_abc_${SECRET}"`) });
      },
      { env: { ENVMGR_TOKEN: `emt_abc_${SECRET}` } },
    );
    expect(await cli.run('whoami')).toBe(3);
    expect(cli.stderr).not.toContain(SECRET);
  });

  it('lists the new commands in the help', async () => {
    const cli = cliHarness();
    expect(await cli.run('--help')).toBe(0);
    for (const c of ['login', 'logout', 'whoami', 'token', 'users', '--token <token>']) expect(cli.stdout).toContain(c);
    expect(await cli.run('login', '--help')).toBe(0);
    expect(cli.stdout).toContain('a sign-in token lasts only 5 minutes');
  });
});
