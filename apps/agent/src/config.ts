/**
 * The agent's configuration, read once from the environment (STYLE §5). The instance's identity comes from the
 * variables the local compute sets for each instance (EM_INSTANCE_*, EM_TAG_*, EM_PORTS_*; see
 * packages/adapters/compute-local `instanceEnvironment`); endpoints and tuning from ENVMGR_*. Every problem is
 * reported together.
 */
import { isAbsolute, join, resolve } from 'node:path';
import type { AgentIdentity, OperatingSystem } from '@envmgr/agent-core';

export interface AgentConfig {
  identity: AgentIdentity;
  /** The instance's folder (EM_INSTANCE_DIR): deployments, the state file and the files root live here. */
  instanceDir: string;
  /** The address services are registered with (EM_PRIVATE_ADDRESS). */
  privateAddress: string;
  /** The registry's Consul HTTP API (ENVMGR_REGISTRY_URL) and its ACL token (ENVMGR_REGISTRY_TOKEN, optional). */
  registry: { url: string; token?: string };
  /** EM's API for packages and logs (ENVMGR_SERVER) and the bearer token (ENVMGR_TOKEN). */
  server: { url: string; token?: string };
  /**
   * The instance's block of service ports (EM_PORTS_FIRST/EM_PORTS_LAST, local instances). When set, each service
   * gets a pair of adjacent free ports of the block (none/blue the first, green the next) instead of the ports of
   * its definition.
   */
  portBlock?: { first: number; last: number };
  /**
   * Where the appspec's absolute `files` destinations go (ENVMGR_AGENT_FILES_ROOT): `/opt/x` becomes
   * `<filesRoot>/opt/x`. '/' writes to the real paths, as on a dedicated machine.
   * @default `<instanceDir>/root`
   */
  filesRoot: string;
  platform: OperatingSystem;
  /** The longest a blocking read of the target state waits (ENVMGR_AGENT_WATCH_WAIT_MS). @default 300000 (Consul's 5 min) */
  watchWaitMs: number;
  /** An install needs this much free disk in the instance folder (ENVMGR_AGENT_MIN_FREE_DISK_MB). @default 2048 */
  minFreeDiskMb: number;
  /** Environment every hook and check script starts from: the agent's own, without its tokens. */
  hookBaseEnv: Record<string, string>;
}

export type ConfigResult = { ok: true; config: AgentConfig } | { ok: false; problems: string[] };

/** Variables that must never reach hook scripts. */
const SECRET_VARIABLES = ['ENVMGR_TOKEN', 'ENVMGR_REGISTRY_TOKEN', 'CONSUL_HTTP_TOKEN'];

const REQUIRED_TAGS = [
  ['environment', 'EM_TAG_Environment'],
  ['environmentType', 'EM_TAG_EnvironmentType'],
  ['role', 'EM_TAG_Role'],
  ['owningCluster', 'EM_TAG_OwningCluster'],
] as const;

function httpUrl(value: string | undefined, name: string, example: string, problems: string[]): string | undefined {
  if (!value) return void problems.push(`${name} is not set; give the URL (e.g. ${example})`);
  try {
    const url = new URL(value);
    if (url.protocol === 'http:' || url.protocol === 'https:') return value.replace(/\/+$/, '');
  } catch {
    // reported below
  }
  problems.push(`${name} must be an http(s) URL; got '${value}'`);
  return undefined;
}

function positiveInt(env: NodeJS.ProcessEnv, name: string, fallback: number, problems: string[]): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (Number.isInteger(n) && n > 0) return n;
  problems.push(`${name} must be a positive whole number; got '${raw}'`);
  return fallback;
}

function portBlockOf(env: NodeJS.ProcessEnv, problems: string[]): { first: number; last: number } | undefined {
  const first = env.EM_PORTS_FIRST;
  const last = env.EM_PORTS_LAST;
  if (!first && !last) return undefined;
  const a = Number(first);
  const b = Number(last);
  const isPort = (n: number) => Number.isInteger(n) && n > 0 && n <= 65535;
  if (!isPort(a) || !isPort(b) || b <= a) {
    problems.push(`EM_PORTS_FIRST and EM_PORTS_LAST must be ports with FIRST < LAST; got '${first ?? ''}' and '${last ?? ''}'`);
    return undefined;
  }
  return { first: a, last: b };
}

/** Reads the configuration from `env`; lists every missing or invalid variable. */
export function loadAgentConfig(env: NodeJS.ProcessEnv, platform: NodeJS.Platform): ConfigResult {
  const problems: string[] = [];
  const need = (name: string, hint: string): string => {
    const v = env[name]?.trim();
    if (!v) problems.push(`${name} is not set; ${hint}`);
    return v ?? '';
  };
  const instanceId = need('EM_INSTANCE_ID', 'it names this instance (EM sets it when it starts the agent)');
  const instanceDirRaw = need('EM_INSTANCE_DIR', "it is the instance's folder");
  const privateAddress = need('EM_PRIVATE_ADDRESS', 'services are registered at this address');
  const tags = Object.fromEntries(REQUIRED_TAGS.map(([field, name]) => [field, need(name, `the instance must carry the tag ${name.slice('EM_TAG_'.length)} (SPEC §6)`)]));
  const registryUrl = httpUrl(env.ENVMGR_REGISTRY_URL, 'ENVMGR_REGISTRY_URL', 'http://127.0.0.1:8500, the registry', problems);
  const serverUrl = httpUrl(env.ENVMGR_SERVER, 'ENVMGR_SERVER', "http://127.0.0.1:8080, EM's API", problems);
  if (instanceDirRaw && !isAbsolute(instanceDirRaw)) problems.push(`EM_INSTANCE_DIR must be an absolute path; got '${instanceDirRaw}'`);
  const portBlock = portBlockOf(env, problems);
  const watchWaitMs = positiveInt(env, 'ENVMGR_AGENT_WATCH_WAIT_MS', 300_000, problems);
  const minFreeDiskMb = positiveInt(env, 'ENVMGR_AGENT_MIN_FREE_DISK_MB', 2048, problems);
  if (platform !== 'linux' && platform !== 'win32' && platform !== 'darwin') problems.push(`the agent does not run on ${platform}`);
  if (problems.length > 0 || !registryUrl || !serverUrl) return { ok: false, problems };

  const instanceDir = resolve(instanceDirRaw);
  const hookBaseEnv = Object.fromEntries(
    Object.entries(env).filter((e): e is [string, string] => e[1] !== undefined && !SECRET_VARIABLES.includes(e[0])),
  );
  const config: AgentConfig = {
    identity: {
      instanceId,
      environment: tags.environment ?? '',
      environmentType: tags.environmentType ?? '',
      role: tags.role ?? '',
      owningCluster: tags.owningCluster ?? '',
    },
    instanceDir,
    privateAddress,
    registry: { url: registryUrl, ...(env.ENVMGR_REGISTRY_TOKEN ? { token: env.ENVMGR_REGISTRY_TOKEN } : {}) },
    server: { url: serverUrl, ...(env.ENVMGR_TOKEN ? { token: env.ENVMGR_TOKEN } : {}) },
    filesRoot: resolve(env.ENVMGR_AGENT_FILES_ROOT || join(instanceDir, 'root')),
    // macOS runs the Linux packages (POSIX shells); Windows packages need PowerShell, which this agent lacks
    platform: platform === 'win32' ? 'windows' : 'linux',
    watchWaitMs,
    minFreeDiskMb,
    hookBaseEnv,
  };
  if (portBlock) config.portBlock = portBlock;
  return { ok: true, config: Object.freeze(config) };
}
