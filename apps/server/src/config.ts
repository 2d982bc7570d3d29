import { resolve } from 'node:path';
import { z } from 'zod';

const Port = z.coerce.number().int().min(0).max(65535);

/** The server's configuration, read once from the environment. Every field documents its default. */
const ServerConfigSchema = z.object({
  /** ENVMGR_HOST: address to listen on. @default 127.0.0.1 */
  host: z.string().min(1).default('127.0.0.1'),
  /** ENVMGR_PORT: HTTP port (0 picks a free one). @default 8080 */
  port: Port.default(8080),
  /** ENVMGR_DATA_DIR: where the embedded mode keeps its data. @default ./data */
  dataDir: z.string().min(1).default('./data'),
  /**
   * ENVMGR_STORE: configuration store; `memory` keeps nothing across restarts; `dynamodb` keeps configuration, audit
   * and the job lock in DynamoDB tables (docs/aws.md#storage). @default sqlite
   */
  store: z.enum(['sqlite', 'memory', 'dynamodb']).default('sqlite'),
  /** ENVMGR_AWS_REGION: region of the DynamoDB tables and S3 buckets; required with `dynamodb` or `s3`. */
  awsRegion: z.string().regex(/^[a-z]{2}(-[a-z]+)+-\d$/, { error: 'must be an AWS region such as eu-west-1' }).optional(),
  /** ENVMGR_DYNAMODB_ENDPOINT: DynamoDB endpoint URL, for DynamoDB Local. @default the region's endpoint */
  dynamodbEndpoint: z.url({ protocol: /^https?$/, error: 'must be an http(s) URL, e.g. http://127.0.0.1:8000' }).optional(),
  /** ENVMGR_TABLE_PREFIX: prepended to every DynamoDB table name, to keep installations in one account apart. @default '' */
  tablePrefix: z.string().regex(/^[A-Za-z0-9_.-]{0,64}$/, { error: 'must be up to 64 letters, digits, _ . or -' }).default(''),
  /** ENVMGR_BLOBS: where deployment logs and backups go: `fs` under the data dir, or `s3` (docs/aws.md#storage). @default fs */
  blobs: z.enum(['fs', 's3']).default('fs'),
  /** ENVMGR_S3_BLOBS_BUCKET: bucket of deployment logs (`logs/`) and backups (`backups/`); required with `s3`. */
  s3BlobsBucket: z.string().regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, { error: 'must be an S3 bucket name' }).optional(),
  /** ENVMGR_PACKAGES: where deployable packages go: `fs` under `<data dir>/packages`, or `s3` (docs/aws.md#storage). @default fs */
  packages: z.enum(['fs', 's3']).default('fs'),
  /** ENVMGR_S3_PACKAGES_BUCKET: bucket of packages (`<svc>/<ver>[/<env>]/<svc>-<ver>[-<env>].zip`); required with `s3`. */
  s3PackagesBucket: z.string().regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, { error: 'must be an S3 bucket name' }).optional(),
  /** ENVMGR_S3_ENDPOINT: S3 endpoint URL (path-style), for an S3-compatible server. @default the region's endpoint */
  s3Endpoint: z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }).optional(),
  /** ENVMGR_LOG_LEVEL. @default info */
  logLevel: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** ENVMGR_ADMIN_PASSWORD: password of the `admin` user created on the first start; generated when unset. */
  adminPassword: z.string().min(12, 'must be at least 12 characters').optional(),
  /** ENVMGR_JWT_SECRET: key that signs sign-in tokens; kept in <data dir>/jwt-secret when unset. */
  jwtSecret: z.string().min(32, 'must be at least 32 characters').optional(),
  /** ENVMGR_TOKEN_TTL_SECONDS: lifetime of the bearer token a sign-in returns (SPEC §9). @default 300 */
  tokenTtlSeconds: z.coerce.number().int().min(30).max(86400).default(300),
  /** ENVMGR_SESSION_TTL_SECONDS: lifetime of the browser session cookie. @default 43200 (12 h) */
  sessionTtlSeconds: z.coerce.number().int().min(60).max(30 * 86400).default(43200),
  /** ENVMGR_REGISTRY_PORT: loopback port of the built-in registry (Consul HTTP API subset); 0 picks a free one. @default 8500 */
  registryPort: Port.default(8500),
  /**
   * ENVMGR_REGISTRY_URL: an external registry speaking Consul's HTTP API (Consul, or a built-in registry that another
   * process serves), shared by every EM server of one installation; the built-in registry then does not start and
   * ENVMGR_REGISTRY_PORT is unused (docs/aws.md#several-servers). @default unset: the built-in registry
   */
  registryUrl: z.url({ protocol: /^https?$/, error: 'must be an http(s) URL, e.g. http://consul.internal:8500' }).optional(),
  /** ENVMGR_REGISTRY_TOKEN: Consul ACL token sent with every request to ENVMGR_REGISTRY_URL (a secret: give it through the environment). @default none */
  registryToken: z.string().min(1).optional(),
  /**
   * ENVMGR_EDGE_PORT: loopback port of the built-in edge router, which routes the LB settings' virtual hosts to the
   * active slices of their upstreams (docs/traffic.md); 0 picks a free one, `off` runs none. @default 8081
   */
  edgePort: z.union([z.literal('off'), Port], { error: 'must be a port number (0-65535; 0 picks a free one) or off' }).default(8081),
  /** ENVMGR_AGENT_COMMAND: program each local instance runs; its arguments follow, space-separated. @default the bundled deployment agent */
  agentCommand: z.string().min(1).optional(),
  /** ENVMGR_AGENT_MIN_FREE_DISK_MB: passed to local agents; an install needs this much free disk. @default the agent's (2048) */
  agentMinFreeDiskMb: z.coerce.number().int().min(1).optional(),
  /** ENVMGR_DRIVER_INTERVAL_MS: pause between passes of the deployment driver while nothing wakes it. @default 1000 */
  driverIntervalMs: z.coerce.number().int().min(10).max(600_000).default(1000),
  /**
   * ENVMGR_DRIVER_LEASE_MS: lease of the deployment driver's lock; when its holder dies, another server takes the
   * driver over this long after the last renewal. At least 3 times ENVMGR_DRIVER_INTERVAL_MS, since every pass renews it.
   * @default 15000, or 3 times ENVMGR_DRIVER_INTERVAL_MS when that is longer
   */
  driverLeaseMs: z.coerce.number().int().min(1000).max(3_600_000).optional(),
  /**
   * ENVMGR_SCHEDULER: the scheduler job (SPEC §8): `on` switches instances and groups on and off by their schedules,
   * `what-if` only logs what it would do, `off` runs nothing. Off by default: EM's rules switch off every instance of
   * an environment without schedule settings, so turning it on is a decision. @default off
   */
  scheduler: z.enum(['on', 'off', 'what-if']).default('off'),
  /**
   * ENVMGR_SCHEDULER_RETENTION_DAYS: the scheduler's action records older than this are pruned once a day, keeping
   * each instance's latest action of each kind (what later savings reports need). @default 400
   */
  schedulerRetentionDays: z.coerce.number().int().min(1).max(36_500).default(400),
  /** ENVMGR_SCHEDULER_INTERVAL_MS: time between the scheduler's passes. @default 300000 (5 min) */
  schedulerIntervalMs: z.coerce.number().int().min(1000).max(86_400_000).default(300_000),
  /**
   * ENVMGR_SCHEDULER_LEASE_MS: lease of the scheduler's lock; when its holder dies, another server takes the scheduler
   * over this long after its last pass. At least 3 times ENVMGR_SCHEDULER_INTERVAL_MS, since every pass renews it.
   * @default 3 times ENVMGR_SCHEDULER_INTERVAL_MS, and at least 60000
   */
  schedulerLeaseMs: z.coerce.number().int().min(1000).max(259_200_000).optional(),
  /** ENVMGR_SCHEDULER_LIMIT_TO_ENVIRONMENT: EM's LIMIT_TO_ENVIRONMENT, a regular expression of environment names. @default every environment */
  schedulerLimitToEnvironment: z
    .string()
    .refine((s) => {
      try {
        new RegExp(s);
        return true;
      } catch {
        return false;
      }
    }, 'must be a regular expression, e.g. ^(c50|c51)$')
    .optional(),
  /** ENVMGR_DEPLOYMENT_TIMEOUT_MS: a deployment fails when it has not ended this long after its request. @default 3600000 (EM's 60 min) */
  deploymentTimeoutMs: z.coerce.number().int().min(1000).optional(),
  /** ENVMGR_NODE_TIMEOUT_MS: an instance may stay In Progress this long. @default the installation timeout (20 min) */
  nodeTimeoutMs: z.coerce.number().int().min(1000).optional(),
  /** ENVMGR_HEALTH_DEADLINE_MS: an instance that installed must pass its health checks within this. @default 300000 */
  healthDeadlineMs: z.coerce.number().int().min(1000).optional(),
  /** ENVMGR_MAX_PACKAGE_BYTES: largest package upload. @default 512 MiB */
  maxPackageBytes: z.coerce.number().int().min(1024).default(512 * 1024 * 1024),
  /** ENVMGR_MAX_LOG_BYTES: largest deployment-log upload. @default 16 MiB */
  maxLogBytes: z.coerce.number().int().min(1024).default(16 * 1024 * 1024),
  /** ENVMGR_MAX_BODY_BYTES: largest single-item request body. @default 5 MiB */
  maxBodyBytes: z.coerce.number().int().min(1024).default(5 * 1024 * 1024),
  /**
   * ENVMGR_LDAP_URL: LDAP server (`ldap://host:389`, `ldaps://host:636`) that checks the passwords of users who are not
   * local EM users; their LDAP groups map onto EM groups by `LdapGroups`. @default unset: local users only
   */
  ldapUrl: z.url({ protocol: /^ldaps?$/, error: 'must be an ldap:// or ldaps:// URL' }).optional(),
  /**
   * ENVMGR_LDAP_USER_DN: the DN users bind as, `{user}` standing for the user name (escaped), e.g.
   * `uid={user},ou=people,dc=example,dc=com`, or `{user}@corp.example.com` for Active Directory. Required with the URL.
   */
  ldapUserDn: z.string().includes('{user}', { error: 'must contain {user}, e.g. uid={user},ou=people,dc=example,dc=com' }).optional(),
  /** ENVMGR_LDAP_GROUP_BASE: where groups are searched, e.g. `ou=groups,dc=example,dc=com`. Required with the URL. */
  ldapGroupBase: z.string().min(1).optional(),
  /**
   * ENVMGR_LDAP_GROUP_FILTER: finds a member's groups; `{dn}` is the member's DN, `{user}` the user name. Groups of
   * groups are followed (3 levels) when it uses `{dn}`. @default (member={dn})
   */
  ldapGroupFilter: z
    .string()
    .regex(/^\(.*(\{dn\}|\{user\}).*\)$/, { error: 'must be an LDAP filter in parentheses that uses {dn} or {user}, e.g. (member={dn})' })
    .optional(),
  /** ENVMGR_SMTP_HOST: mail server for email subscriptions (docs/notifications.md). @default unset: email deliveries are dead-lettered with the reason */
  smtpHost: z.string().min(1).optional(),
  /** ENVMGR_SMTP_PORT. @default 587 */
  smtpPort: Port.default(587),
  /** ENVMGR_SMTP_SECURE: `true` for implicit TLS (port 465); otherwise STARTTLS when offered. @default false */
  smtpSecure: z.enum(['true', 'false']).default('false').transform((v) => v === 'true'),
  /** ENVMGR_SMTP_USER: user name for SMTP authentication. @default none */
  smtpUser: z.string().min(1).optional(),
  /** ENVMGR_SMTP_PASSWORD: its password (a secret: give it through the environment, never a file). @default none */
  smtpPassword: z.string().min(1).optional(),
  /** ENVMGR_MAIL_FROM: the sender of notification emails. @default environment-manager@localhost */
  mailFrom: z.string().min(3).default('environment-manager@localhost'),
  /** ENVMGR_NOTIFY_INTERVAL_MS: the longest pause of the notification job between passes. @default 5000 */
  notifyIntervalMs: z.coerce.number().int().min(10).max(600_000).default(5000),
  /**
   * ENVMGR_NOTIFY_THREAD: `on` delivers notifications from a worker thread of its own, so deliveries never slow the
   * API; `off` delivers in the API's event loop. A `memory` store always delivers in the API's. @default on
   */
  notifyThread: z.enum(['on', 'off']).default('on'),
  /**
   * ENVMGR_NOTIFY_THREAD_NICE: the delivery thread's nice value (Linux: per thread), so that on a busy machine the
   * API's thread gets the CPU first and deliveries wait a little. 0 gives both the same share. @default 10
   */
  notifyThreadNice: z.coerce.number().int().min(0).max(19).default(10),
  /** ENVMGR_NOTIFY_RETRY_BASE_MS: first retry delay of a failed delivery; it doubles each try. @default 10000 */
  notifyRetryBaseMs: z.coerce.number().int().min(10).max(3_600_000).default(10_000),
  /** ENVMGR_NOTIFY_RETRY_MAX_DELAY_MS: the longest retry delay. @default 900000 (15 min) */
  notifyRetryMaxDelayMs: z.coerce.number().int().min(10).max(86_400_000).default(900_000),
  /** ENVMGR_NOTIFY_MAX_ATTEMPTS: tries before a delivery is dead-lettered. @default 12 */
  notifyMaxAttempts: z.coerce.number().int().min(1).max(100).default(12),
  /** ENVMGR_WEBHOOK_TIMEOUT_MS: how long a webhook receiver may take to answer. @default 10000 */
  webhookTimeoutMs: z.coerce.number().int().min(100).max(120_000).default(10_000),
  /**
   * ENVMGR_OWNER_WEBHOOK_SECRET: signs what EM posts to the paging and ticketing endpoints of notification settings
   * (docs/notifications.md#owner-endpoints); a secret: give it through the environment. @default none: those are dead-lettered
   */
  ownerWebhookSecret: z.string().min(16, { error: 'must be at least 16 characters' }).optional(),
  /** ENVMGR_BACKUP: the nightly backup of configuration and audit to `backups/` of the blob store (docs/backup-and-replication.md). @default on */
  backup: z.enum(['on', 'off']).default('on'),
  /** ENVMGR_BACKUP_TIME: when the nightly backup runs, HH:MM in UTC. @default 03:00 */
  backupTime: z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, { error: 'must be a time of day HH:MM (UTC), e.g. 03:00' }).default('03:00'),
  /** ENVMGR_BACKUP_RETENTION: backups kept; older ones are deleted after each new backup. @default 14 */
  backupRetention: z.coerce.number().int().min(1).max(10_000).default(14),
  /**
   * ENVMGR_REPLICATION: copy the common tables into every registered account's DynamoDB tables
   * (docs/backup-and-replication.md#replication-to-child-accounts); needs ENVMGR_STORE=dynamodb. @default off
   */
  replication: z.enum(['on', 'off']).default('off'),
  /** ENVMGR_REPLICATION_INTERVAL_MS: pause between replication passes. @default 60000 */
  replicationIntervalMs: z.coerce.number().int().min(100).max(86_400_000).default(60_000),
  /** ENVMGR_REPLICATION_ENDPOINTS: stand-in DynamoDB endpoints per account, `123456789012=http://127.0.0.1:8001,...`. @default none */
  replicationEndpoints: z.string().regex(/^\d{12}=https?:\/\/[^,=\s]+(,\d{12}=https?:\/\/[^,=\s]+)*$/, { error: 'must be account=URL pairs separated by commas, e.g. 123456789012=http://127.0.0.1:8001' }).optional(),
  /** ENVMGR_METRICS: serve Prometheus metrics at `/metrics` (docs/observability.md); `off` serves none. @default on */
  metrics: z.enum(['on', 'off']).default('on'),
  /** ENVMGR_HEALTH_TIMEOUT_MS: how long each dependency of the health check may take to answer. @default 2000 */
  healthTimeoutMs: z.coerce.number().int().min(50).max(60_000).default(2000),
  /**
   * ENVMGR_SNS_TOPIC_ARN_PREFIX: publish events to EM's SNS topics (`DeploymentComplete`,
   * `EnvironmentManagerConfigurationChange`, `EnvironmentManagerOperationsChange`), whose ARNs are this prefix and
   * the topic name, e.g. `arn:aws:sns:eu-west-1:123456789012:` (docs/notifications.md#sns). @default none: no SNS
   */
  snsTopicArnPrefix: z.string().regex(/^arn:aws[a-z-]*:sns:[a-z]{2}(-[a-z]+)+-\d:\d{12}:[A-Za-z0-9_-]*$/, { error: 'must be an SNS ARN prefix such as arn:aws:sns:eu-west-1:123456789012:' }).optional(),
  /** ENVMGR_SNS_ENDPOINT: SNS endpoint URL, for an SNS-compatible server. @default the region's endpoint */
  snsEndpoint: z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }).optional(),
  /**
   * ENVMGR_COMPUTE: where groups and instances live: `local` runs each instance as an agent process on this machine;
   * `aws` manages EC2 Auto Scaling groups in the registered accounts (or those of ENVMGR_AWS_ACCOUNTS) (docs/aws.md#compute). @default local
   */
  compute: z.enum(['local', 'aws']).default('local'),
  /**
   * ENVMGR_AWS_ACCOUNTS: comma-separated 12-digit accounts EM manages with `aws` compute (the master too if it hosts
   * groups), in place of the registered accounts. @default the registered application, shared-services, sandbox and testing accounts
   */
  awsAccounts: z.string().regex(/^\d{12}(,\d{12})*$/, { error: 'must be 12-digit account numbers separated by commas' }).optional(),
  /** ENVMGR_AWS_CHILD_ROLE: the role EM assumes in each account (SPEC §12). @default roleInfraEnvironmentManagerChild */
  awsChildRole: z.string().regex(/^[\w+=,.@-]{1,64}$/, { error: 'must be an IAM role name' }).default('roleInfraEnvironmentManagerChild'),
  /** ENVMGR_AWS_MASTER_ROLE_ARN: a master role to assume first, when EM does not run as it. @default EM's own credentials */
  awsMasterRoleArn: z.string().regex(/^arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@/-]+$/, { error: 'must be an IAM role ARN' }).optional(),
  /** ENVMGR_COMPUTE_ENDPOINT: one endpoint URL for EC2, Auto Scaling and STS, for the moto server. @default the region's endpoints */
  computeEndpoint: z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }).optional(),
  /** ENVMGR_AGENT_REGISTRY_URL: the registry as instances reach it, written into their user data; required with `aws`. */
  agentRegistryUrl: z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }).optional(),
  /** ENVMGR_AGENT_SERVER_URL: EM's API as instances reach it, written into their user data; required with `aws`. */
  agentServerUrl: z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }).optional(),
  /** ENVMGR_AGENT_TOKEN_PARAMETER: SSM parameter holding the agents' API token, read at boot. @default none */
  agentTokenParameter: z.string().min(1).optional(),
  /** ENVMGR_AWS_REQUESTS_PER_SECOND: EC2/Auto Scaling calls per second per account for the inventory's refreshes. @default 5 */
  awsRequestsPerSecond: z.coerce.number().min(0.1).max(100).default(5),
  /** ENVMGR_AWS_INVENTORY_INTERVAL_MS: pause between the inventory's refreshes of every account (on the job lock's holder). @default 60000 */
  awsInventoryIntervalMs: z.coerce.number().int().min(1000).max(3_600_000).default(60_000),
}).superRefine((c, ctx) => {
  if (c.compute === 'aws') {
    for (const f of ['awsRegion', 'agentRegistryUrl', 'agentServerUrl'] as const) if (!c[f]) ctx.addIssue({ code: 'custom', path: [f], message: 'is required when ENVMGR_COMPUTE is aws' });
  }
  if ((c.store === 'dynamodb' || c.blobs === 's3') && !c.awsRegion) ctx.addIssue({ code: 'custom', path: ['awsRegion'], message: 'is required when ENVMGR_STORE is dynamodb or ENVMGR_BLOBS is s3' });
  if (c.schedulerLeaseMs !== undefined && c.schedulerLeaseMs < 3 * c.schedulerIntervalMs) ctx.addIssue({ code: 'custom', path: ['schedulerLeaseMs'], message: 'must be at least 3 times ENVMGR_SCHEDULER_INTERVAL_MS, or the lock lapses between passes' });
  if (c.driverLeaseMs !== undefined && c.driverLeaseMs < 3 * c.driverIntervalMs) ctx.addIssue({ code: 'custom', path: ['driverLeaseMs'], message: 'must be at least 3 times ENVMGR_DRIVER_INTERVAL_MS, or the lock lapses between passes' });
  if (c.registryToken && !c.registryUrl) ctx.addIssue({ code: 'custom', path: ['registryToken'], message: 'has no effect without ENVMGR_REGISTRY_URL; set it too' });
  if (c.replication === 'on' && c.store !== 'dynamodb') ctx.addIssue({ code: 'custom', path: ['replication'], message: 'needs ENVMGR_STORE=dynamodb (child accounts keep their copy in DynamoDB)' });
  if (c.packages === 's3' && !c.s3PackagesBucket) ctx.addIssue({ code: 'custom', path: ['s3PackagesBucket'], message: 'is required when ENVMGR_PACKAGES is s3' });
  if (c.packages === 's3' && !c.awsRegion) ctx.addIssue({ code: 'custom', path: ['awsRegion'], message: 'is required when ENVMGR_PACKAGES is s3' });
  if (c.blobs === 's3' && !c.s3BlobsBucket) ctx.addIssue({ code: 'custom', path: ['s3BlobsBucket'], message: 'is required when ENVMGR_BLOBS is s3' });
  // LDAP settings go together: the URL turns LDAP on, and then the user DN and group base are needed
  const need = ['ldapUserDn', 'ldapGroupBase'] as const;
  if (c.ldapUrl) for (const f of need) if (!c[f]) ctx.addIssue({ code: 'custom', path: [f], message: 'is required when ENVMGR_LDAP_URL is set' });
  if (!c.ldapUrl) {
    for (const f of [...need, 'ldapGroupFilter'] as const) if (c[f]) ctx.addIssue({ code: 'custom', path: [f], message: 'has no effect without ENVMGR_LDAP_URL; set it too' });
  }
});
export type ServerConfig = Readonly<z.infer<typeof ServerConfigSchema>>;

const ENV: Record<keyof z.infer<typeof ServerConfigSchema>, string> = {
  host: 'ENVMGR_HOST',
  port: 'ENVMGR_PORT',
  dataDir: 'ENVMGR_DATA_DIR',
  store: 'ENVMGR_STORE',
  awsRegion: 'ENVMGR_AWS_REGION',
  dynamodbEndpoint: 'ENVMGR_DYNAMODB_ENDPOINT',
  tablePrefix: 'ENVMGR_TABLE_PREFIX',
  blobs: 'ENVMGR_BLOBS',
  s3BlobsBucket: 'ENVMGR_S3_BLOBS_BUCKET',
  packages: 'ENVMGR_PACKAGES',
  s3PackagesBucket: 'ENVMGR_S3_PACKAGES_BUCKET',
  s3Endpoint: 'ENVMGR_S3_ENDPOINT',
  logLevel: 'ENVMGR_LOG_LEVEL',
  maxBodyBytes: 'ENVMGR_MAX_BODY_BYTES',
  maxPackageBytes: 'ENVMGR_MAX_PACKAGE_BYTES',
  registryPort: 'ENVMGR_REGISTRY_PORT',
  registryUrl: 'ENVMGR_REGISTRY_URL',
  registryToken: 'ENVMGR_REGISTRY_TOKEN',
  edgePort: 'ENVMGR_EDGE_PORT',
  agentCommand: 'ENVMGR_AGENT_COMMAND',
  agentMinFreeDiskMb: 'ENVMGR_AGENT_MIN_FREE_DISK_MB',
  maxLogBytes: 'ENVMGR_MAX_LOG_BYTES',
  driverIntervalMs: 'ENVMGR_DRIVER_INTERVAL_MS',
  driverLeaseMs: 'ENVMGR_DRIVER_LEASE_MS',
  scheduler: 'ENVMGR_SCHEDULER',
  schedulerIntervalMs: 'ENVMGR_SCHEDULER_INTERVAL_MS',
  schedulerLeaseMs: 'ENVMGR_SCHEDULER_LEASE_MS',
  schedulerRetentionDays: 'ENVMGR_SCHEDULER_RETENTION_DAYS',
  schedulerLimitToEnvironment: 'ENVMGR_SCHEDULER_LIMIT_TO_ENVIRONMENT',
  deploymentTimeoutMs: 'ENVMGR_DEPLOYMENT_TIMEOUT_MS',
  nodeTimeoutMs: 'ENVMGR_NODE_TIMEOUT_MS',
  healthDeadlineMs: 'ENVMGR_HEALTH_DEADLINE_MS',
  adminPassword: 'ENVMGR_ADMIN_PASSWORD',
  jwtSecret: 'ENVMGR_JWT_SECRET',
  tokenTtlSeconds: 'ENVMGR_TOKEN_TTL_SECONDS',
  sessionTtlSeconds: 'ENVMGR_SESSION_TTL_SECONDS',
  ldapUrl: 'ENVMGR_LDAP_URL',
  ldapUserDn: 'ENVMGR_LDAP_USER_DN',
  ldapGroupBase: 'ENVMGR_LDAP_GROUP_BASE',
  ldapGroupFilter: 'ENVMGR_LDAP_GROUP_FILTER',
  smtpHost: 'ENVMGR_SMTP_HOST',
  smtpPort: 'ENVMGR_SMTP_PORT',
  smtpSecure: 'ENVMGR_SMTP_SECURE',
  smtpUser: 'ENVMGR_SMTP_USER',
  smtpPassword: 'ENVMGR_SMTP_PASSWORD',
  mailFrom: 'ENVMGR_MAIL_FROM',
  notifyIntervalMs: 'ENVMGR_NOTIFY_INTERVAL_MS',
  notifyThread: 'ENVMGR_NOTIFY_THREAD',
  notifyThreadNice: 'ENVMGR_NOTIFY_THREAD_NICE',
  notifyRetryBaseMs: 'ENVMGR_NOTIFY_RETRY_BASE_MS',
  notifyRetryMaxDelayMs: 'ENVMGR_NOTIFY_RETRY_MAX_DELAY_MS',
  notifyMaxAttempts: 'ENVMGR_NOTIFY_MAX_ATTEMPTS',
  webhookTimeoutMs: 'ENVMGR_WEBHOOK_TIMEOUT_MS',
  ownerWebhookSecret: 'ENVMGR_OWNER_WEBHOOK_SECRET',
  backup: 'ENVMGR_BACKUP',
  backupTime: 'ENVMGR_BACKUP_TIME',
  backupRetention: 'ENVMGR_BACKUP_RETENTION',
  replication: 'ENVMGR_REPLICATION',
  replicationIntervalMs: 'ENVMGR_REPLICATION_INTERVAL_MS',
  replicationEndpoints: 'ENVMGR_REPLICATION_ENDPOINTS',
  metrics: 'ENVMGR_METRICS',
  healthTimeoutMs: 'ENVMGR_HEALTH_TIMEOUT_MS',
  snsTopicArnPrefix: 'ENVMGR_SNS_TOPIC_ARN_PREFIX',
  snsEndpoint: 'ENVMGR_SNS_ENDPOINT',
  compute: 'ENVMGR_COMPUTE',
  awsAccounts: 'ENVMGR_AWS_ACCOUNTS',
  awsChildRole: 'ENVMGR_AWS_CHILD_ROLE',
  awsMasterRoleArn: 'ENVMGR_AWS_MASTER_ROLE_ARN',
  computeEndpoint: 'ENVMGR_COMPUTE_ENDPOINT',
  agentRegistryUrl: 'ENVMGR_AGENT_REGISTRY_URL',
  agentServerUrl: 'ENVMGR_AGENT_SERVER_URL',
  agentTokenParameter: 'ENVMGR_AGENT_TOKEN_PARAMETER',
  awsRequestsPerSecond: 'ENVMGR_AWS_REQUESTS_PER_SECOND',
  awsInventoryIntervalMs: 'ENVMGR_AWS_INVENTORY_INTERVAL_MS',
};

/** Reads the configuration; on any problem returns every one of them, named by environment variable. */
export function loadConfig(env: NodeJS.ProcessEnv): { ok: true; config: ServerConfig } | { ok: false; problems: string[] } {
  const input = Object.fromEntries(Object.entries(ENV).map(([field, name]) => [field, env[name] === '' ? undefined : env[name]]));
  const parsed = ServerConfigSchema.safeParse(input);
  if (!parsed.success) {
    return {
      ok: false,
      problems: parsed.error.issues.map((i) => `${ENV[i.path[0] as keyof typeof ENV] ?? i.path.join('.')}: ${i.message}`), // zod messages carry no values
    };
  }
  return { ok: true, config: Object.freeze({ ...parsed.data, dataDir: resolve(parsed.data.dataDir) }) };
}
