/**
 * What the agent has installed, kept in a small JSON file in the instance folder, so that after a restart it
 * neither reinstalls what already runs at the desired deployment id nor forgets what it has tried.
 */
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { CorruptDataError } from '@envmgr/domain';
import type { AppSpec, InstalledService, ResolvedHealthCheck } from '@envmgr/agent-core';

/** One installed service with everything needed to stop, restart, re-register or remove it. */
export interface InstalledRecord extends InstalledService {
  port: number;
  /** `<instanceDir>/deployments/<serviceId>/<deploymentId>`. */
  deploymentDir: string;
  /** `<deploymentDir>/archive`: the unpacked package, the hooks' DEPLOYMENT_BASE_DIR. */
  archiveDir: string;
  appSpec: AppSpec;
  /** Paths the files stage wrote (under the files root). */
  copiedFiles: string[];
  tags: string[];
  healthChecks: ResolvedHealthCheck[];
  installedAt: string;
  installationTimeoutMin?: number;
}

/** An install that was under way; found at start-up, it means the agent died during it. */
export interface InProgressRecord {
  serviceId: string;
  service: string;
  version: string;
  deploymentId: string;
  deploymentDir: string;
  /** Set once the previous version's ApplicationStop has run: the previous version must be started again. */
  previousStopped: boolean;
  /** Set once CopyFiles ran: the previous version's files must be copied back. */
  filesCopied: boolean;
}

export interface AgentState {
  version: 1;
  services: Record<string, InstalledRecord>;
  /** Port pairs given to services (by service name, lower-cased), when the instance has a port block. */
  portPairs: Record<string, { blue: number; green: number }>;
  /** Deployment ids this node attempted, newest last (bounded). */
  attempted: string[];
  inProgress?: InProgressRecord;
}

const STATE_FILE = 'agent-state.json';
const MAX_ATTEMPTED = 500;

export const emptyState = (): AgentState => ({ version: 1, services: {}, portPairs: {}, attempted: [] });

/** The agent's state: read once at start, held in memory, written through (atomically) on each change. */
export interface StateStore {
  get(): AgentState;
  /** Applies `change` to a copy and saves it; the in-memory state changes only when the save succeeds. */
  update(change: (draft: AgentState) => void): Promise<AgentState>;
}

export async function openStateStore(instanceDir: string): Promise<StateStore> {
  const path = join(instanceDir, STATE_FILE);
  let state = await load(path);
  return {
    get: () => state,
    async update(change) {
      const draft = structuredClone(state);
      change(draft);
      if (draft.attempted.length > MAX_ATTEMPTED) draft.attempted = draft.attempted.slice(-MAX_ATTEMPTED);
      await mkdir(dirname(path), { recursive: true });
      const tmp = `${path}.${process.pid}.tmp`;
      await writeFile(tmp, `${JSON.stringify(draft, null, 2)}\n`);
      await rename(tmp, path);
      state = draft;
      return state;
    },
  };
}

async function load(path: string): Promise<AgentState> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return emptyState();
    throw err;
  }
  try {
    const value = JSON.parse(text) as Partial<AgentState>;
    if (value.version !== 1 || typeof value.services !== 'object' || !Array.isArray(value.attempted)) throw new TypeError('unexpected shape');
    return { ...emptyState(), ...value };
  } catch (err) {
    throw new CorruptDataError(
      `the agent state ${path} cannot be read (${err instanceof Error ? err.message : String(err)}); move it away to start afresh (installed services will be installed again)`,
      { path },
      { cause: err },
    );
  }
}
