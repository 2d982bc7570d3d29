import { DynamoDBClient, type DynamoDBClientConfig } from '@aws-sdk/client-dynamodb';

export interface DynamoClientOptions {
  region: string;
  /** An endpoint URL such as DynamoDB Local's. @default the region's endpoint */
  endpoint?: string | undefined;
  /** Credentials (or a provider of them), e.g. a child account's assumed role. @default the SDK's standard chain */
  credentials?: DynamoDBClientConfig['credentials'];
  /** Attempts of the SDK itself per request. @default the SDK's (3) */
  maxAttempts?: number;
}

/**
 * A DynamoDB client with the SDK's standard credential chain (environment, instance profile, ...). The composition
 * root builds one and passes it to every DynamoDB adapter; it destroys it on shutdown.
 */
export function createDynamoClient(opts: DynamoClientOptions): DynamoDBClient {
  return new DynamoDBClient({
    region: opts.region,
    ...(opts.endpoint ? { endpoint: opts.endpoint } : {}),
    ...(opts.credentials ? { credentials: opts.credentials } : {}),
    ...(opts.maxAttempts !== undefined ? { maxAttempts: opts.maxAttempts } : {}),
  });
}
