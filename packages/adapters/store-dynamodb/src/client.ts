import { DynamoDBClient } from '@aws-sdk/client-dynamodb';

export interface DynamoClientOptions {
  region: string;
  /** An endpoint URL such as DynamoDB Local's. @default the region's endpoint */
  endpoint?: string | undefined;
}

/**
 * A DynamoDB client with the SDK's standard credential chain (environment, instance profile, ...). The composition
 * root builds one and passes it to every DynamoDB adapter; it destroys it on shutdown.
 */
export function createDynamoClient(opts: DynamoClientOptions): DynamoDBClient {
  return new DynamoDBClient({ region: opts.region, ...(opts.endpoint ? { endpoint: opts.endpoint } : {}) });
}
