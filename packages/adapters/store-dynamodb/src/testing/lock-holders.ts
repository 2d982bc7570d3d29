import { ScanCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { tableNames } from '../tables.js';

/** The holder of each lock of an installation whose lease has not run out at `nowMs`, by lock name (for tests). */
export async function lockHolders(client: DynamoDBClient, opts: { tablePrefix?: string; nowMs: number }): Promise<Record<string, string>> {
  const rows = (await client.send(new ScanCommand({ TableName: tableNames(opts.tablePrefix).locks, ConsistentRead: true }))).Items ?? [];
  return Object.fromEntries(rows.filter((r) => Number(r.ExpiresAtMs?.N ?? 0) > opts.nowMs).map((r) => [r.Name?.S ?? '', r.Holder?.S ?? '']));
}
