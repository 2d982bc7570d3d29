import { DeploymentInProgressError, TERMINAL_STATES, type Deployment } from '@envmgr/domain';

export { DeploymentInProgressError };

/**
 * The fields of a deployment record a `DeploymentStore` indexes and queries by. The store keeps the rest of the
 * record as it is (JSON), so it depends on nothing else of the record's shape.
 */
export interface DeploymentIndex {
  id: string;
  /** A `DeploymentState`; `requested`, `provisioning` and `deploying` are active, the others terminal. */
  state: string;
  /** The configuration's spelling; compared exactly. */
  environment: string;
  service: string;
  requestedAtMs: number;
}

/** The index of a domain `Deployment`: the one to give a store of `Deployment` records. */
export function deploymentIndex(d: Deployment): DeploymentIndex {
  return { id: d.id, state: d.state, environment: d.plan.environment, service: d.plan.service, requestedAtMs: d.requestedAtMs };
}

/** Whether a deployment in `state` still runs (is not terminal). */
export function isActiveDeploymentState(state: string): boolean {
  return !(TERMINAL_STATES as readonly string[]).includes(state);
}

/** A record as stored, with its version (1 after `create`, +1 on each `update`). */
export interface StoredDeployment<R> {
  record: R;
  version: number;
}

export interface CreateDeploymentOptions {
  /**
   * Refuse with `DeploymentInProgressError` when an active deployment of this environment and service exists,
   * checked in the same transaction as the insert, so that two concurrent requests cannot both start one.
   */
  uniqueActive?: { environment: string; service: string };
}

/** Where a page of `list` starts: the last record of the previous page. */
export interface DeploymentCursor {
  requestedAtMs: number;
  id: string;
}

export interface DeploymentListQuery {
  environment?: string;
  service?: string;
  /** Only records in one of these states; an empty list matches nothing. */
  states?: readonly string[];
  /** Inclusive lower bound on `requestedAtMs`. */
  sinceMs?: number;
  /** Only records after this one in the list order (strictly older, or as old with a smaller id). */
  before?: DeploymentCursor;
  limit: number;
}

/** A second deployment of a service to an environment while one is active. */

/**
 * Stores deployment records (the persisted state machine of each deployment) with a version for optimistic
 * concurrency. Generic over the record: the adapter is given an `indexOf` function that reads the `DeploymentIndex`.
 *
 * Invariants every adapter keeps (checked by `deploymentStoreContract`):
 * - a record reads back equal to what was written (JSON round trip); callers never share an object with the store.
 * - `create` fails with `AlreadyExistsError` on an existing id and, with `uniqueActive`, with
 *   `DeploymentInProgressError` naming the active deployment; the check and the insert are one atomic step.
 * - `update` fails with `NotFoundError` on a missing id and `VersionConflictError` when `expectedVersion` is not
 *   the stored version; of concurrent updates of one version exactly one wins.
 * - `list` and `findActive` return newest first: `requestedAtMs` descending, then id descending.
 */
export interface DeploymentStore<R = Deployment> {
  /** Stores a new record at version 1. */
  create(record: R, options?: CreateDeploymentOptions): Promise<StoredDeployment<R>>;
  /** Returns undefined when there is no such deployment. */
  get(id: string): Promise<StoredDeployment<R> | undefined>;
  /** Replaces the record of the same id when it is at `expectedVersion`; returns it at the next version. */
  update(record: R, expectedVersion: number): Promise<StoredDeployment<R>>;
  /** Records matching the query, newest first, at most `limit`. */
  list(query: DeploymentListQuery): Promise<StoredDeployment<R>[]>;
  /** The active (not terminal) deployments of a service in an environment, newest first. */
  findActive(environment: string, service: string): Promise<StoredDeployment<R>[]>;
  /** Releases the store's resources. */
  close(): Promise<void>;
}
