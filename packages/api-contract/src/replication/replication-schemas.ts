import { z } from 'zod';

const PassSchema = z.object({
  created: z.number().int(),
  updated: z.number().int(),
  deleted: z.number().int(),
  unchanged: z.number().int(),
  commits: z.number().int().meta({ description: 'commits the pass took in the account (0 when nothing had changed)' }),
});

/** One child account's replication (docs/backup-and-replication.md#replication-to-child-accounts). */
export const AccountReplicationSchema = z
  .object({
    account: z.string().meta({ description: 'the 12-digit account' }),
    state: z.enum(['in-sync', 'behind', 'failing', 'pending']).meta({
      description: 'in-sync: every change is in the account; behind: changes wait for the next pass; failing: the latest pass failed; pending: never replicated yet',
    }),
    pendingChanges: z.number().int().nullable().meta({ description: 'changes of the replicated types not yet in the account; null before the first success' }),
    lagMs: z.number().int().nullable().meta({ description: 'how long the oldest of those changes has waited (0 when none); null before the first success' }),
    lastAttemptAt: z.string().meta({ description: 'start of the latest pass (empty before the first)' }),
    lastSuccessAt: z.string().optional(),
    replicatedSeq: z.number().int().optional().meta({ description: "the master's audit seq up to which every change is in the account" }),
    lastPass: PassSchema.optional(),
    error: z.object({ code: z.string(), message: z.string() }).optional().meta({ description: 'why the latest pass failed in this account' }),
  })
  .meta({ id: 'AccountReplication' });
export type AccountReplicationDto = z.infer<typeof AccountReplicationSchema>;

export const ReplicationStatusSchema = z.object({ accounts: z.array(AccountReplicationSchema) }).meta({ id: 'ReplicationStatus' });
export type ReplicationStatusDto = z.infer<typeof ReplicationStatusSchema>;

export const ReplicationRunSchema = z
  .object({
    ran: z.boolean().meta({ description: 'false when another server holds the replication lock (its pass runs instead)' }),
    accounts: z.array(AccountReplicationSchema),
  })
  .meta({ id: 'ReplicationRun' });
export type ReplicationRunDto = z.infer<typeof ReplicationRunSchema>;
