import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { missingTables, tableNames } from '@envmgr/adapter-store-dynamodb';
import { dynamoDbLocalMissing, startDynamoDbLocal, type DynamoDbLocal } from '@envmgr/adapter-store-dynamodb/testing';
import { cliHarness } from './test-harness.js';

// `envmgr setup storage` against DynamoDB Local: creates every table EM's DynamoDB adapters use, then nothing.
const missing = dynamoDbLocalMissing();
if (missing) console.warn(`setup-storage.int.test.ts skipped: ${missing}`);

describe.skipIf(missing !== undefined)('envmgr setup storage on DynamoDB Local', () => {
  let local: DynamoDbLocal;
  beforeAll(async () => {
    local = await startDynamoDbLocal();
    // the SDK's credential chain reads these; DynamoDB Local accepts any
    process.env.AWS_ACCESS_KEY_ID ??= 'local';
    process.env.AWS_SECRET_ACCESS_KEY ??= 'local';
  }, 60_000);
  afterAll(() => local?.stop());

  it('creates every table once and leaves them as they are when run again', async () => {
    const h = cliHarness();
    const argv = ['setup', 'storage', '--region', 'eu-west-1', '--endpoint', local.endpoint, '--table-prefix', 'cli-'];
    expect(await h.run(...argv), h.stderr).toBe(0);
    const names = tableNames('cli-').all();
    const lines = h.stdout.trimEnd().split('\n').slice(1);
    expect(lines).toHaveLength(names.length);
    expect(lines.every((l) => l.endsWith('created'))).toBe(true);
    expect(h.stdout).toMatch(/table\s+cli-InfraDeployments\s+created/);
    const client = local.client();
    try {
      expect(await missingTables({ client, tablePrefix: 'cli-' })).toEqual([]);
    } finally {
      client.destroy();
    }

    expect(await h.run(...argv), h.stderr).toBe(0);
    const again = h.stdout.trimEnd().split('\n').slice(1);
    expect(again).toHaveLength(names.length);
    expect(again.every((l) => l.endsWith('exists'))).toBe(true);
  }, 60_000);

  it('refuses to guess the region', async () => {
    const h = cliHarness(undefined, { env: {} });
    expect(await h.run('setup', 'storage', '--endpoint', local.endpoint)).not.toBe(0);
    expect(h.stderr).toContain('--region');
  });
});
