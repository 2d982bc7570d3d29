import type { Permission } from './access/permission.js';

export type ActorKind = 'user' | 'token' | 'system' | 'anonymous';

/** Who is making a request, with the permissions in force for it. */
export interface Actor {
  /** The name recorded in audit records: a user name, `<user>/token:<id>`, `system:<job>` or `anonymous`. */
  readonly name: string;
  readonly kind: ActorKind;
  /** The user behind the request (also for tokens); undefined for system and anonymous actors. */
  readonly user?: string;
  /** Permissions merged from the permission sets named after the user and each of their groups. */
  readonly permissions: readonly Permission[];
  /** An API token's own limit: a request must be allowed by both lists. Undefined when not limited. */
  readonly tokenPermissions?: readonly Permission[];
  /**
   * Credentials were sent but refused (expired, revoked, tampered): the request proceeds as anonymous, so public
   * routes such as sign-in still work, and any route that needs a user answers 401 with this reason.
   */
  readonly refused?: { readonly code: string; readonly message: string };
}

export const ANONYMOUS: Actor = { name: 'anonymous', kind: 'anonymous', permissions: [] };

/** A named job acting on its own, e.g. `system:bootstrap`; it may do everything. */
export function systemActor(job: string): Actor {
  return { name: `system:${job}`, kind: 'system', permissions: [{ Resource: '**', Access: 'ADMIN' }] };
}
