import { DomainError } from '@envmgr/domain';
import type { Lock } from '@envmgr/ports';
import type { RequestContext } from '../context.js';
import { requireAdmin } from '../identity/access.js';
import { replicateAccount } from './replicate-account.js';
import { REPLICATION_ACTOR, type ReplicaTarget, type ReplicationDeps } from './replication-deps.js';
import { auditHead, describeAccounts, readReplicationRecords, writeReplicationRecords, type AccountReplication, type AccountReplicationStatus } from './replication-status.js';

export const REPLICATION_LOCK = 'replication';

export interface ReplicationJobOptions {
  lock: Lock;
  /** This process's name as a lock holder. */
  holder: string;
  /** Lease of the replication lock; longer than a pass takes. @default 300000 (5 min) */
  leaseMs?: number;
  /** Told of each account's failure with the original error, to log it (the stored status keeps only its code and message). */
  onAccountError?: (account: string, err: unknown) => void;
}

export interface ReplicationJobResult {
  /** False when another process holds the lock (it replicates instead). */
  ran: boolean;
  /** Each account after the pass (empty when it did not run). */
  accounts: AccountReplicationStatus[];
}

export interface ReplicationJob {
  /** One pass over every child account, on the holder of the replication lock only. */
  run(): Promise<ReplicationJobResult>;
}

/**
 * Replication (SPEC §10): on the holder of the replication lock, copies the replicated types into every child
 * account, all accounts at once and each on its own: one account's failure (its role refused, its endpoint down) is
 * recorded for that account and never stops or delays the others. The status of each account is stored for any
 * server to report.
 */
export function createReplicationJob(deps: ReplicationDeps, opts: ReplicationJobOptions): ReplicationJob {
  let passes = 0;
  return {
    async run() {
      const got = await opts.lock.tryAcquire(REPLICATION_LOCK, opts.holder, opts.leaseMs ?? 300_000);
      if (!got.acquired) return { ran: false, accounts: [] };
      try {
        const records = await pass(deps, `${opts.holder}#${++passes}`, opts.onAccountError);
        return { ran: true, accounts: await describeAccounts(deps, records) };
      } finally {
        await opts.lock.release(REPLICATION_LOCK, opts.holder);
      }
    },
  };
}

/** `POST /replication/run` (`envmgr replication run`): a pass now, for administrators. */
export async function replicateNow(job: ReplicationJob, req: RequestContext): Promise<ReplicationJobResult> {
  requireAdmin(req.actor, 'run replication');
  return job.run();
}

async function pass(deps: ReplicationDeps, requestId: string, onError?: (account: string, err: unknown) => void): Promise<AccountReplication[]> {
  const startedAt = new Date(deps.clock.now()).toISOString();
  // read before the items: whatever the pass copies is at least this recent
  const head = await auditHead(deps.store);
  const [targets, before] = await Promise.all([deps.targets(), readReplicationRecords(deps)]);
  const ctx = { actor: REPLICATION_ACTOR, requestId, at: startedAt };
  const records = await Promise.all(
    targets.map(async (t): Promise<AccountReplication> => {
      const previous = before.get(t.account);
      try {
        const lastPass = await replicateTo(deps, t, ctx);
        return { account: t.account, lastAttemptAt: startedAt, lastSuccessAt: startedAt, replicatedSeq: head, lastPass };
      } catch (err) {
        onError?.(t.account, err);
        const { lastSuccessAt, replicatedSeq, lastPass } = previous ?? {};
        return { account: t.account, lastAttemptAt: startedAt, ...defined({ lastSuccessAt, replicatedSeq, lastPass }), error: describeError(t.account, err) };
      }
    }),
  );
  await writeReplicationRecords(deps, records);
  return records;
}

async function replicateTo(deps: ReplicationDeps, target: ReplicaTarget, ctx: { actor: string; requestId: string; at: string }) {
  const replica = await target.open();
  try {
    return await replicateAccount(deps.store, replica, ctx);
  } finally {
    await replica.close();
  }
}

/** A domain error's code and message (written to name the account, never its credentials); anything else is opaque. */
function describeError(account: string, err: unknown): { code: string; message: string } {
  if (err instanceof DomainError) return { code: err.code, message: `account ${account}: ${err.message}` };
  return { code: 'internal', message: `account ${account}: unexpected error; see the server log` };
}

function defined<T extends Record<string, unknown>>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
