import { isJsonObject, type AuditRecord } from '@envmgr/domain';
import type { ConfigStore } from '@envmgr/ports';
import { chunksOf, readText } from '../backup/backup-files.js';
import type { RequestContext } from '../context.js';
import { requireSignedIn } from '../identity/access.js';
import type { ReplicaPass } from './replicate-account.js';
import { REPLICATED_TYPES, type ReplicationDeps } from './replication-deps.js';

/** Where the job keeps what it last did in each account. */
export const REPLICATION_STATUS_KEY = 'replication/status.json';

/** What the job last did in one account, as it stores it. */
export interface AccountReplication {
  account: string;
  /** ISO 8601 UTC start of the latest pass. */
  lastAttemptAt: string;
  /** ISO 8601 UTC start of the latest pass that succeeded. */
  lastSuccessAt?: string;
  /** The master's audit head when that pass began: every change up to this seq is in the account. */
  replicatedSeq?: number;
  /** What the latest successful pass wrote. */
  lastPass?: ReplicaPass;
  /** Why the latest pass failed (undefined when it succeeded). Never holds credentials. */
  error?: { code: string; message: string };
}

/** One account's replication as the status route reports it. */
export interface AccountReplicationStatus extends AccountReplication {
  /** `pending`: never replicated yet; `failing`: the latest pass failed; `behind`: changes wait for the next pass. */
  state: 'in-sync' | 'behind' | 'failing' | 'pending';
  /** Changes of the replicated types committed on the master since `replicatedSeq`; null before the first success. */
  pendingChanges: number | null;
  /** How long the oldest of those changes has waited, in ms (0 when none waits); null before the first success. */
  lagMs: number | null;
}

/** The stored status of every account the job has tried. */
export async function readReplicationRecords(deps: Pick<ReplicationDeps, 'blobs'>): Promise<Map<string, AccountReplication>> {
  const text = await readText(deps.blobs, REPLICATION_STATUS_KEY);
  const doc: unknown = text === undefined ? undefined : JSON.parse(text);
  const list = isJsonObject(doc) && Array.isArray(doc.accounts) ? doc.accounts : [];
  const out = new Map<string, AccountReplication>();
  for (const a of list) if (isJsonObject(a) && typeof a.account === 'string') out.set(a.account, a as unknown as AccountReplication);
  return out;
}

export async function writeReplicationRecords(deps: Pick<ReplicationDeps, 'blobs'>, records: AccountReplication[]): Promise<void> {
  await deps.blobs.put(REPLICATION_STATUS_KEY, chunksOf(JSON.stringify({ format: 'envmgr-replication-status', accounts: records }, null, 2)));
}

/**
 * `GET /replication` (`envmgr replication status`): for every child account, what the job last did there and how far
 * it is behind the master now. Any signed-in user may read it; it holds no secrets.
 */
export async function replicationStatus(deps: ReplicationDeps, req: RequestContext): Promise<AccountReplicationStatus[]> {
  requireSignedIn(req.actor);
  const records = await readReplicationRecords(deps);
  const targets = await deps.targets();
  const accounts = targets.map((t) => records.get(t.account) ?? { account: t.account, lastAttemptAt: '' });
  return describeAccounts(deps, accounts);
}

/** Adds the state, pending changes and lag of each account, reading the master's audit once. */
export async function describeAccounts(deps: Pick<ReplicationDeps, 'store' | 'clock'>, accounts: AccountReplication[]): Promise<AccountReplicationStatus[]> {
  const seqs = accounts.flatMap((a) => (a.replicatedSeq === undefined ? [] : [a.replicatedSeq]));
  const pending = seqs.length ? await replicatedChangesAfter(deps.store, Math.min(...seqs)) : [];
  const now = deps.clock.now();
  return accounts.map((a) => {
    if (a.replicatedSeq === undefined) return { ...a, state: a.error ? 'failing' : 'pending', pendingChanges: null, lagMs: null };
    const waiting = pending.filter((r) => r.seq > (a.replicatedSeq ?? 0));
    const oldest = waiting[0];
    const lagMs = oldest ? Math.max(0, now - Date.parse(oldest.at)) : 0;
    return { ...a, state: a.error ? 'failing' : waiting.length ? 'behind' : 'in-sync', pendingChanges: waiting.length, lagMs };
  });
}

/** The audit records of replicated types after `afterSeq`, in chain order. */
async function replicatedChangesAfter(store: ConfigStore, afterSeq: number): Promise<AuditRecord[]> {
  const out: AuditRecord[] = [];
  for (let after = afterSeq; ; ) {
    const page = await store.auditChain(after, 1000);
    out.push(...page.filter((r) => REPLICATED_TYPES.includes(r.entityType)));
    const last = page[page.length - 1];
    if (!last || page.length < 1000) return out;
    after = last.seq;
  }
}

/** The master's audit head: the seq of its newest record, 0 for an empty chain. */
export async function auditHead(store: ConfigStore): Promise<number> {
  return (await store.queryAudit({ limit: 1 }))[0]?.seq ?? 0;
}
