import { join } from 'node:path';
import { createSqliteConfigStore, createSqliteCredentialStore, createSqliteDeploymentStore } from '@envmgr/adapter-config-sqlite';
import { createMemoryConfigStore, createMemoryCredentialStore, createMemoryDeploymentStore } from '@envmgr/adapter-memory';
import { createDynamoClient, createDynamoConfigStore, createDynamoCredentialStore, createDynamoDeploymentStore, createDynamoScheduleActionLog } from '@envmgr/adapter-store-dynamodb';
import { createS3Client } from '@envmgr/adapter-blobs-s3';
import { deploymentIndex, type ConfigStore, type CredentialStore, type DeploymentStore, type ScheduleActionLog } from '@envmgr/ports';
import type { ServerConfig } from './config.js';
import { buildScheduleActionLog } from './scheduling/scheduler-loop.js';

/*
 * The stores the configuration names (docs/aws.md#storage). The composition root builds them; the notifications
 * worker thread builds its own connections to the same ones.
 */

export type AwsClients = ReturnType<typeof buildAwsClients>;

export function buildDeploymentStore(config: ServerConfig, aws: AwsClients): DeploymentStore {
  if (aws.dynamodb) return createDynamoDeploymentStore({ client: aws.dynamodb, indexOf: deploymentIndex, tablePrefix: config.tablePrefix });
  return config.store === 'memory'
    ? createMemoryDeploymentStore({ indexOf: deploymentIndex })
    : createSqliteDeploymentStore({ path: join(config.dataDir, 'deployments.db'), indexOf: deploymentIndex });
}

/** Servers sharing DynamoDB share the action log, so an action is recorded once whichever server acts. */
export function buildActionLog(config: ServerConfig, aws: AwsClients): ScheduleActionLog {
  return aws.dynamodb ? createDynamoScheduleActionLog({ client: aws.dynamodb, tablePrefix: config.tablePrefix }) : buildScheduleActionLog(config);
}

/** The AWS clients the configuration needs (docs/aws.md#storage); the SDK finds credentials as usual. */
export function buildAwsClients(config: ServerConfig) {
  const region = config.awsRegion ?? '';
  return {
    dynamodb: config.store === 'dynamodb' ? createDynamoClient({ region, endpoint: config.dynamodbEndpoint }) : undefined,
    s3: config.blobs === 's3' || config.packages === 's3' ? createS3Client({ region, endpoint: config.s3Endpoint }) : undefined,
  };
}

/** The configuration store alone (the notifications worker reads configuration and its audit, no sign-in secrets). */
export function buildConfigStore(config: ServerConfig, aws: AwsClients): ConfigStore {
  switch (config.store) {
    case 'dynamodb':
      return createDynamoConfigStore({ client: aws.dynamodb ?? createDynamoClient({ region: config.awsRegion ?? '' }), tablePrefix: config.tablePrefix });
    case 'memory':
      return createMemoryConfigStore();
    case 'sqlite':
      return createSqliteConfigStore({ path: join(config.dataDir, 'envmgr.db') });
  }
}

/** Sign-in secrets: in DynamoDB their own table, so that every server accepts every session and API token. */
function buildCredentialStore(config: ServerConfig, aws: AwsClients): CredentialStore {
  switch (config.store) {
    case 'dynamodb':
      return createDynamoCredentialStore({ client: aws.dynamodb ?? createDynamoClient({ region: config.awsRegion ?? '' }), tablePrefix: config.tablePrefix });
    case 'memory':
      return createMemoryCredentialStore();
    case 'sqlite':
      return createSqliteCredentialStore({ path: join(config.dataDir, 'credentials.db') });
  }
}

export function buildStores(config: ServerConfig, aws: AwsClients): { store: ConfigStore; credentials: CredentialStore } {
  return { store: buildConfigStore(config, aws), credentials: buildCredentialStore(config, aws) };
}
