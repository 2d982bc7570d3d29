import { createHash, randomUUID } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Context } from 'hono';
import { getConnInfo } from '@hono/node-server/conninfo';
import { createFsBlobStore, createFsPackageStore } from '@envmgr/adapter-packages-fs';
import type { RegistryServer } from '@envmgr/adapter-registry-builtin';
import { createInProcessEventBus, createInProcessLock } from '@envmgr/adapter-memory';
import { createLdapDirectory } from '@envmgr/adapter-directory-ldap';
import { checkTables, createDynamoLock } from '@envmgr/adapter-store-dynamodb';
import { checkBuckets, createS3BlobStore, createS3PackageStore } from '@envmgr/adapter-blobs-s3';
import { bootstrapAdmin, deploymentHolds, type IdentityDeps } from '@envmgr/app';
import type { EntityType } from '@envmgr/domain';
import { createHttpApp, type App, type HttpLogger } from '@envmgr/http';
import type { ConfigStore, DeploymentStore, Directory, EventBus, Lock } from '@envmgr/ports';
import type { BackupDeps, DeliveryPassResult, DeploymentDeps, NotificationDeps, SchedulingDeps } from '@envmgr/app';
import { createLateCompute, type LateCompute } from './late-compute.js';
import { accountsOverride, buildAwsCompute } from './aws-compute.js';
import { startAwsInventoryLoop, type AwsInventoryLoop } from './aws-inventory-loop.js';
import type { AwsComputeEstate } from '@envmgr/adapter-aws';
import { startDriverLoop, type DriverLoop } from './driver-loop.js';
import { chooseServerRegistry, type ServerRegistry } from './registry/server-registry.js';
import type { ServerConfig } from './config.js';
import { announceCommits, type ConfigChanges } from './config-changes.js';
import { createArgon2Hasher, createJwtSigner, createRandomSource } from './identity/crypto-adapters.js';
import { generatePassword, loadSigningKey, writeInitialPassword } from './identity/secrets.js';
import { startSchedulerLoop, type SchedulerLoop } from './scheduling/scheduler-loop.js';
import { buildActionLog, buildAwsClients, buildDeploymentStore, buildStores } from './storage-wiring.js';
import { buildNotificationDeps } from './notifications/build-notifications.js';
import { startConfiguredBackup } from './backup/backup-wiring.js';
import { startConfiguredReplication } from './replication/replication-wiring.js';
import { startNotifierLoop, type NotifierLoop } from './notifications/notifier-loop.js';
import { notifierThreadAvailable, startNotifierThread } from './notifications/notifier-thread.js';
import { createServerMetrics, type ServerMetrics } from './observability/metrics.js';
import { createLogContext } from './observability/logging.js';
import { trackLocks } from './observability/lock-tracking.js';
import { observabilityHttpDeps } from './observability/build-observability.js';

export interface Server {
  app: App;
  store: ConfigStore;
  /** Announces each configuration commit of this process (the edge router follows LB settings and upstreams by it). */
  configChanges: ConfigChanges;
  identity: IdentityDeps;
  /** The registry (target state, catalog, health) that agents talk to: the built-in one, or ENVMGR_REGISTRY_URL's. */
  registry: ServerRegistry;
  /** Starts serving the built-in registry to agents; with ENVMGR_REGISTRY_URL, starts nothing and answers its URL. */
  serveRegistry(opts: { port: number }): Promise<RegistryServer>;
  /** Groups and instances; bound to local compute once it has started (`bindCompute`). */
  compute: LateCompute;
  /** With ENVMGR_COMPUTE=aws: the accounts' compute (already bound to `compute`) and its inventory cache. */
  awsCompute: AwsComputeEstate | undefined;
  /** With ENVMGR_COMPUTE=aws: follows the registered accounts and refreshes the inventory (docs/aws.md#inventory). */
  awsInventory: AwsInventoryLoop | undefined;
  deployments: DeploymentStore;
  events: EventBus;
  lock: Lock;
  /** What the deployment use cases and the driver work with. */
  deploymentDeps: DeploymentDeps;
  /** Starts the deployment driver in this process (after compute is bound). */
  startDriver(): DriverLoop;
  /** Stops the driver (before compute closes); `close` does it too. */
  stopDriver(): Promise<void>;
  /** What the scheduler works with: the configuration, the local compute as account `local`, its action log. */
  schedulingDeps: SchedulingDeps;
  /** Starts the scheduler in this process (after compute is bound) unless ENVMGR_SCHEDULER is off. */
  startScheduler(): SchedulerLoop | undefined;
  /** Stops the scheduler (before compute closes); `close` does it too. */
  stopScheduler(): Promise<void>;
  /** Subscriptions, the event log and deliveries (docs/notifications.md). */
  notifications: NotificationDeps;
  /** Records domain events from the bus and, on the lock holder, delivers them; started with the server. */
  notifier: NotifierLoop;
  /** Prometheus metrics (docs/observability.md); undefined with ENVMGR_METRICS=off. */
  metrics: ServerMetrics | undefined;
  /** Checks that the tables and buckets the configuration names exist; throws naming the missing ones. */
  checkStorage(): Promise<void>;
  close(): Promise<void>;
}

/** The configuration an nginx rendering reads; a commit of any of them is announced as `config.changed`. */
const EDGE_TYPES: readonly EntityType[] = ['lb-settings', 'upstreams', 'environments', 'environment-types'];

/** The built web UI (`npm run build -w @envmgr/web`): apps/web/dist, the same from src/ (tests) and dist/ (npm start). */
const WEB_ROOT = fileURLToPath(new URL('../../web/dist', import.meta.url));

/** The composition root: the only place that picks and builds adapters. */
export function composeServer(config: ServerConfig, rootLogger: HttpLogger): Server {
  // every line written while a request runs carries its request id, actor, deployment and trace (docs/observability.md)
  const logContext = createLogContext();
  const logger = logContext.wrap(rootLogger);
  const metrics = config.metrics === 'on' ? createServerMetrics() : undefined;
  let ready = false;
  mkdirSync(config.dataDir, { recursive: true, mode: 0o700 });
  const aws = buildAwsClients(config);
  const built = buildStores(config, aws);
  const credentials = built.credentials;
  const { store, changes: configChanges } = announceCommits(built.store);
  const clock = { now: () => Date.now() };
  const hasher = { sha256: (text: string) => createHash('sha256').update(text).digest('hex') };
  const identity: IdentityDeps = {
    store,
    credentials,
    clock,
    hasher,
    passwords: createArgon2Hasher(),
    signer: createJwtSigner(loadSigningKey(config.dataDir, config.jwtSecret)),
    random: createRandomSource(),
    throttle: new Map(),
    accessTokenTtlSeconds: config.tokenTtlSeconds,
    sessionTtlSeconds: config.sessionTtlSeconds,
    ...buildDirectory(config),
  };
  // servers sharing DynamoDB must share the registry too (ENVMGR_REGISTRY_URL), or a deployment one of them started
  // could not be followed by another after a takeover
  const chosenRegistry = chooseServerRegistry({ path: join(config.dataDir, 'registry.db'), url: config.registryUrl, token: config.registryToken });
  const registry = chosenRegistry.registry;
  const compute = createLateCompute();
  // AWS compute needs nothing of the running server, so it is bound at once; local compute binds once EM listens
  const awsCompute = buildAwsCompute(config, { store, logger });
  if (awsCompute) compute.bind(awsCompute.compute);
  const deployments = buildDeploymentStore(config, aws);
  const events = createInProcessEventBus({ now: clock.now });
  // `envmgr edge` (nginx, docs/traffic.md) waits on GET /api/v1/events for changes to what it renders
  configChanges.subscribe((types) => {
    const changed = EDGE_TYPES.filter((t) => types.has(t));
    if (changed.length > 0) events.publish({ type: 'config.changed', subject: {}, data: { types: changed } });
  });
  // servers sharing DynamoDB share the job lock too, so jobs run on one of them
  const jobLock = aws.dynamodb ? createDynamoLock({ client: aws.dynamodb, clock, tablePrefix: config.tablePrefix }) : createInProcessLock({ clock });
  const { lock, held: heldLocks } = trackLocks(jobLock);
  const awsInventory = awsCompute
    ? startAwsInventoryLoop(awsCompute, { store, override: accountsOverride(config), lock, holder: `envmgr-${process.pid}-${randomUUID().slice(0, 8)}`, intervalMs: config.awsInventoryIntervalMs, logger })
    : undefined;
  // an account written here is followed at once; other servers' writes at the next pass
  configChanges.subscribe((types) => {
    if (awsInventory && types.has('accounts')) void awsInventory.syncAccounts();
  });
  const notifications = buildNotificationDeps(config, { store, clock });
  const notifierHolder = `envmgr-${process.pid}-${randomUUID().slice(0, 8)}`;
  const onPass = metrics ? (r: DeliveryPassResult) => metrics.observeDeliveryPass(r) : undefined;
  // deliveries in a thread of their own when the stores can be opened twice, so that they never slow the API
  const notifier = notifierThreadAvailable(config)
    ? startNotifierThread(config, notifications, { bus: events, lock, holder: notifierHolder, logger, ...(onPass ? { onPass } : {}) })
    : startNotifierLoop(notifications, { bus: events, lock, holder: notifierHolder, intervalMs: config.notifyIntervalMs, logger, ...(onPass ? { onPass } : {}) });
  const packageStore = aws.s3 && config.packages === 's3' && config.s3PackagesBucket
    ? createS3PackageStore({ client: aws.s3, bucket: config.s3PackagesBucket })
    : createFsPackageStore({ root: join(config.dataDir, 'packages') });
  const deploymentDeps: DeploymentDeps = {
    config: { store },
    packages: packageStore,
    deployments,
    compute,
    registry,
    events,
    clock,
    ids: { next: () => randomUUID() },
    settings: {
      ...(config.deploymentTimeoutMs !== undefined ? { overallTimeoutMs: config.deploymentTimeoutMs } : {}),
      ...(config.nodeTimeoutMs !== undefined ? { nodeTimeoutMs: config.nodeTimeoutMs } : {}),
      ...(config.healthDeadlineMs !== undefined ? { healthDeadlineMs: config.healthDeadlineMs } : {}),
    },
  };
  let driver: DriverLoop | undefined;
  const schedulingDeps: SchedulingDeps = {
    config: { store },
    // AWS: the scheduler reads the estate through the inventory; its actions go to the accounts live
    accounts: [awsCompute ? { name: 'aws', compute: awsCompute.cachedCompute } : { name: 'local', compute }],
    actions: metrics ? metrics.countScheduleActions(buildActionLog(config, aws)) : buildActionLog(config, aws),
    clock,
    ids: { next: () => randomUUID() },
    holds: () => deploymentHolds({ deployments }),
  };
  // the notifier reads the scheduler's actions as `schedule.action` events, and config commits wake it
  notifications.scheduleActions = schedulingDeps.actions;
  configChanges.subscribe(() => notifier.wake());
  let scheduler: SchedulerLoop | undefined;
  const blobs = aws.s3 && config.blobs === 's3' && config.s3BlobsBucket ? createS3BlobStore({ client: aws.s3, bucket: config.s3BlobsBucket }) : createFsBlobStore({ root: join(config.dataDir, 'blobs') });
  const backupDeps: BackupDeps = { store, blobs, clock, hasher, events, retention: config.backupRetention };
  metrics?.bind({ compute, notifications: notifications.store, heldLocks });
  const unfollowDeployments = metrics?.followDeployments(events, deployments);
  // child accounts are reached through the same role chain as AWS compute (docs/backup-and-replication.md)
  const replication = startConfiguredReplication(config, { store, blobs, clock, credentials: awsCompute?.credentials }, { lock, logger });
  const app = createHttpApp({
    config: { store, clock, hasher, credentials },
    identity,
    ids: { next: () => randomUUID() },
    logger,
    clientAddress: (c: Context) => {
      try {
        return getConnInfo(c).remote.address;
      } catch {
        return undefined; // not served by the node adapter (e.g. app.request in tests)
      }
    },
    maxBodyBytes: config.maxBodyBytes,
    webRoot: WEB_ROOT,
    scheduling: { actions: schedulingDeps.actions, accounts: schedulingDeps.accounts, holds: () => deploymentHolds({ deployments }) },
    packages: {
      store: packageStore,
      blobs,
      stagingDir: join(config.dataDir, 'staging'),
      maxPackageBytes: config.maxPackageBytes,
      maxLogBytes: config.maxLogBytes,
    },
    runtime: {
      compute, registry, deployments, events, deploymentIds: deploymentDeps.ids, wakeDriver: () => driver?.wake(),
      ...(awsCompute ? { inventory: { compute: awsCompute.cachedCompute, freshness: () => awsCompute.inventory.freshness() } } : {}),
    },
    notifications,
    wakeNotifier: () => notifier.wake(),
    backup: backupDeps,
    ...(replication ? { replication: { deps: replication.deps, job: replication.loop.job } } : {}),
    observability: observabilityHttpDeps({
      metrics, logContext, timeoutMs: config.healthTimeoutMs, isReady: () => ready,
      targets: { store, registry, blobs, lock: jobLock, notifications: notifications.store, mailer: notifications.mailer },
    }),
  });
  const backupLoop = startConfiguredBackup(config, backupDeps, { lock, logger });
  ready = true;
  return {
    app,
    store,
    configChanges,
    identity,
    registry,
    serveRegistry: (opts) => chosenRegistry.serve(opts),
    compute,
    awsCompute,
    awsInventory,
    deployments,
    events,
    lock,
    deploymentDeps,
    startDriver() {
      driver ??= startDriverLoop(deploymentDeps, { lock, holder: `envmgr-${process.pid}-${randomUUID().slice(0, 8)}`, intervalMs: config.driverIntervalMs, leaseMs: config.driverLeaseMs ?? Math.max(15_000, 3 * config.driverIntervalMs), logger });
      return driver;
    },
    stopDriver: async () => {
      await driver?.stop();
    },
    schedulingDeps,
    notifications,
    notifier,
    metrics,
    startScheduler() {
      if (config.scheduler === 'off') return undefined;
      const limit = config.schedulerLimitToEnvironment;
      scheduler ??= startSchedulerLoop(schedulingDeps, {
        lock, intervalMs: config.schedulerIntervalMs, whatIf: config.scheduler === 'what-if', limitToEnvironment: limit === undefined ? undefined : new RegExp(limit), logger,
        retentionMs: config.schedulerRetentionDays * 86_400_000, leaseMs: config.schedulerLeaseMs,
      });
      return scheduler;
    },
    stopScheduler: async () => {
      await scheduler?.stop();
    },
    close: async () => {
      ready = false;
      unfollowDeployments?.();
      await scheduler?.stop();
      await backupLoop?.stop();
      await replication?.loop.stop();
      await driver?.stop();
      await awsInventory?.stop();
      await awsCompute?.close();
      await notifier.stop();
      await notifications.store.close();
      await notifications.mailer?.close();
      await schedulingDeps.actions.close();
      await deployments.close();
      await registry.close();
      await store.close();
      await credentials.close();
      aws.dynamodb?.destroy();
      aws.s3?.destroy();
    },
    checkStorage: async () => {
      if (aws.dynamodb) await checkTables({ client: aws.dynamodb, tablePrefix: config.tablePrefix, only: ['config', 'locks', 'deployments', 'credentials', 'schedule-actions'] });
      if (aws.s3 && config.blobs === 's3' && config.s3BlobsBucket) await checkBuckets(aws.s3, [config.s3BlobsBucket]);
      if (aws.s3 && config.packages === 's3' && config.s3PackagesBucket) await checkBuckets(aws.s3, [config.s3PackagesBucket]);
    },
  };
}

/**
 * Creates the `admin` user on a store without users. Its password comes from ENVMGR_ADMIN_PASSWORD or is generated,
 * printed once and written to <data dir>/initial-admin-password (0600). Returns what to tell the operator.
 */
export async function bootstrap(server: Server, config: ServerConfig): Promise<string | undefined> {
  await server.checkStorage();
  const password = config.adminPassword ?? generatePassword();
  const created = await bootstrapAdmin(server.identity, password, 'bootstrap');
  if (!created) return undefined;
  if (config.adminPassword) return "created user 'admin' with the password from ENVMGR_ADMIN_PASSWORD";
  const file = writeInitialPassword(config.dataDir, password);
  return `created user 'admin' with password ${password} (also in ${file}); sign in with: npx envmgr login --user admin`;
}

/** LDAP sign-in, only when ENVMGR_LDAP_URL is set (the config then guarantees the user DN and group base). */
function buildDirectory(config: ServerConfig): { directory?: Directory } {
  if (!config.ldapUrl || !config.ldapUserDn || !config.ldapGroupBase) return {};
  return {
    directory: createLdapDirectory({
      url: config.ldapUrl,
      userDnTemplate: config.ldapUserDn,
      groupBase: config.ldapGroupBase,
      ...(config.ldapGroupFilter ? { groupFilter: config.ldapGroupFilter } : {}),
    }),
  };
}

/** Serves the built-in registry over the Consul HTTP API on loopback, for agents (ARCHITECTURE §4); none with ENVMGR_REGISTRY_URL. */
export function serveRegistry(server: Server, config: ServerConfig): Promise<RegistryServer> {
  return server.serveRegistry({ port: config.registryPort });
}
