import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { accessSync, constants } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { connect, createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { DependencyUnavailableError } from '@envmgr/domain';
import { escapeDnValue } from '../ldap-escape.js';

/** The naming context of every throwaway server. */
export const SLAPD_SUFFIX = 'dc=example,dc=test';
export const SLAPD_PEOPLE = `ou=people,${SLAPD_SUFFIX}`;
export const SLAPD_GROUPS = `ou=groups,${SLAPD_SUFFIX}`;

export interface SeedUser {
  uid: string;
  password: string;
  displayName?: string;
  mail?: string;
}

export interface SeedGroup {
  cn: string;
  /** Member DNs: users (`slapdUserDn`) or other groups (`slapdGroupDn`), which makes nested groups. */
  members: string[];
}

export interface Slapd {
  /** `ldap://127.0.0.1:<port>/` */
  url: string;
  pid: number;
  adminDn: string;
  adminPassword: string;
  /** Stops the server by the pid in its pid file and removes its directory. Safe to call twice. */
  stop(): Promise<void>;
}

/** The entry of a seeded user, its uid escaped as an RDN value. */
export const slapdUserDn = (uid: string): string => `uid=${escapeDnValue(uid)},${SLAPD_PEOPLE}`;
export const slapdGroupDn = (cn: string): string => `cn=${escapeDnValue(cn)},${SLAPD_GROUPS}`;

const SBIN = ['/usr/sbin', '/usr/local/sbin', '/sbin'];

/** Where a tool of the Debian `slapd` package is, or undefined. `/usr/sbin` is searched also when not on PATH. */
export function findSlapdTool(name: 'slapd' | 'slapadd' | 'slappasswd'): string | undefined {
  const dirs = [...(process.env['PATH'] ?? '').split(delimiter).filter(Boolean), ...SBIN];
  for (const dir of dirs) {
    const file = join(dir, name);
    try {
      accessSync(file, constants.X_OK);
      return file;
    } catch {
      // not here
    }
  }
  return undefined;
}

/** True when the slapd binary is installed (Debian packages `slapd` and `ldap-utils`; `.ci/run` installs them). */
export const hasSlapd = (): boolean => findSlapdTool('slapd') !== undefined;

/**
 * Starts a throwaway OpenLDAP server on 127.0.0.1 (TOOLING.md): a generated cn=config in a temp dir, the
 * `dc=example,dc=test` database with `ou=people` and `ou=groups`, the given users (inetOrgPerson, password hashed by
 * slappasswd) and groups (groupOfNames). Passwords can be used to bind, never read back. Like many directories in
 * the field (and unlike OpenLDAP's default), it accepts a bind with a DN and an empty password as an anonymous bind
 * (`olcAllows: bind_anon_dn`), so tests show that the client refuses empty passwords itself. Call `stop()` when done.
 */
export async function startSlapd(seed: { users?: SeedUser[]; groups?: SeedGroup[] } = {}): Promise<Slapd> {
  const tools = { slapd: findSlapdTool('slapd'), slapadd: findSlapdTool('slapadd'), slappasswd: findSlapdTool('slappasswd') };
  if (!tools.slapd || !tools.slapadd || !tools.slappasswd) {
    throw new DependencyUnavailableError('slapd, slapadd or slappasswd is not installed; apt-get install slapd ldap-utils');
  }
  const dir = await mkdtemp(join(tmpdir(), 'envmgr-slapd-'));
  try {
    const adminPassword = randomBytes(12).toString('base64url');
    await mkdir(join(dir, 'slapd.d'));
    await mkdir(join(dir, 'db'));
    const hash = (pw: string) => run(tools.slappasswd as string, ['-s', pw]).then((s) => s.trim());
    await writeFile(join(dir, 'config.ldif'), configLdif(dir, await hash(adminPassword)));
    await writeFile(join(dir, 'data.ldif'), await dataLdif(seed, hash));
    await run(tools.slapadd, ['-n0', '-F', join(dir, 'slapd.d'), '-l', join(dir, 'config.ldif')]);
    await run(tools.slapadd, ['-F', join(dir, 'slapd.d'), '-b', SLAPD_SUFFIX, '-l', join(dir, 'data.ldif')]);
    const { url, pid } = await listen(tools.slapd, dir);
    let stopped = false;
    return {
      url,
      pid,
      adminDn: `cn=admin,${SLAPD_SUFFIX}`,
      adminPassword,
      async stop() {
        if (stopped) return;
        stopped = true;
        await stopPid(pid);
        await rm(dir, { recursive: true, force: true });
      },
    };
  } catch (err) {
    await rm(dir, { recursive: true, force: true });
    throw err;
  }
}

function configLdif(dir: string, rootPwHash: string): string {
  return `dn: cn=config
objectClass: olcGlobal
cn: config
olcPidFile: ${join(dir, 'slapd.pid')}
olcArgsFile: ${join(dir, 'slapd.args')}
olcAllows: bind_anon_dn

dn: cn=module{0},cn=config
objectClass: olcModuleList
cn: module{0}
olcModulePath: /usr/lib/ldap
olcModuleLoad: back_mdb

dn: cn=schema,cn=config
objectClass: olcSchemaConfig
cn: schema

include: file:///etc/ldap/schema/core.ldif

include: file:///etc/ldap/schema/cosine.ldif

include: file:///etc/ldap/schema/inetorgperson.ldif

dn: olcDatabase={1}mdb,cn=config
objectClass: olcDatabaseConfig
objectClass: olcMdbConfig
olcDatabase: {1}mdb
olcSuffix: ${SLAPD_SUFFIX}
olcRootDN: cn=admin,${SLAPD_SUFFIX}
olcRootPW: ${rootPwHash}
olcDbDirectory: ${join(dir, 'db')}
olcDbMaxSize: 16777216
olcAccess: {0}to attrs=userPassword by anonymous auth by * none
olcAccess: {1}to * by * read
`;
}

async function dataLdif(seed: { users?: SeedUser[]; groups?: SeedGroup[] }, hash: (pw: string) => Promise<string>): Promise<string> {
  const entries: [string, [string, string][]][] = [
    [SLAPD_SUFFIX, [['objectClass', 'dcObject'], ['objectClass', 'organization'], ['dc', 'example'], ['o', 'Example']]],
    [SLAPD_PEOPLE, [['objectClass', 'organizationalUnit'], ['ou', 'people']]],
    [SLAPD_GROUPS, [['objectClass', 'organizationalUnit'], ['ou', 'groups']]],
  ];
  for (const u of seed.users ?? []) {
    entries.push([slapdUserDn(u.uid), [
      ['objectClass', 'inetOrgPerson'], ['uid', u.uid], ['cn', u.displayName ?? u.uid], ['sn', u.uid],
      ...(u.displayName ? [['displayName', u.displayName] as [string, string]] : []),
      ...(u.mail ? [['mail', u.mail] as [string, string]] : []),
      ['userPassword', await hash(u.password)],
    ]]);
  }
  for (const g of seed.groups ?? []) {
    entries.push([slapdGroupDn(g.cn), [['objectClass', 'groupOfNames'], ['cn', g.cn], ...g.members.map((m): [string, string] => ['member', m])]]);
  }
  // every value base64 (`attr:: …`), so no character of a test name can break the LDIF
  const b64 = (v: string) => Buffer.from(v, 'utf8').toString('base64');
  return entries.map(([dn, attrs]) => [`dn:: ${b64(dn)}`, ...attrs.map(([a, v]) => `${a}:: ${b64(v)}`)].join('\n')).join('\n\n') + '\n';
}

/** Starts slapd (which daemonises) on a free port; retries with another port if it was taken meanwhile. */
async function listen(slapd: string, dir: string): Promise<{ url: string; pid: number }> {
  let last: unknown;
  for (let attempt = 0; attempt < 3; attempt++) {
    const port = await freePort();
    const url = `ldap://127.0.0.1:${port}/`;
    try {
      await run(slapd, ['-h', url, '-F', join(dir, 'slapd.d')]);
      const pid = await waitFor(async () => {
        const text = await readFile(join(dir, 'slapd.pid'), 'utf8').catch(() => '');
        const n = Number.parseInt(text.trim(), 10);
        return Number.isInteger(n) && n > 0 ? n : undefined;
      });
      await waitFor(() => accepts(port));
      return { url, pid };
    } catch (err) {
      last = err;
    }
  }
  throw new DependencyUnavailableError('slapd did not start', {}, { cause: last });
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

function accepts(port: number): Promise<true | undefined> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(undefined));
  });
}

async function waitFor<T>(probe: () => Promise<T | undefined>, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new DependencyUnavailableError(`slapd was not ready within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

const isAlive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

/** SIGTERM, then SIGKILL if it is still there after 5 s. */
async function stopPid(pid: number): Promise<void> {
  try {
    process.kill(pid, 'SIGTERM');
  } catch {
    return; // gone already
  }
  const deadline = Date.now() + 5_000;
  while (isAlive(pid) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  if (isAlive(pid)) process.kill(pid, 'SIGKILL');
}

function run(file: string, args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(file, args, { timeout: 30_000 }, (err, stdout, stderr) => {
      // not err.message: it quotes the command line, which can hold a password (slappasswd -s)
      if (err) reject(new DependencyUnavailableError(`${file} failed (exit ${String(err.code)}): ${stderr.trim().slice(-2000)}`));
      else resolve(stdout);
    });
  });
}
