import type { ThrottleState } from '@envmgr/domain';
import type { Clock, ConfigStore, CredentialStore, Directory, Hasher, PasswordHasher, RandomSource, TokenSigner } from '@envmgr/ports';

/** Ports and settings of sign-in, tokens and permission checks. */
export interface IdentityDeps {
  store: ConfigStore;
  credentials: CredentialStore;
  clock: Clock;
  hasher: Hasher;
  passwords: PasswordHasher;
  signer: TokenSigner;
  random: RandomSource;
  /** Failed sign-in counts per `user:<name>` and `addr:<ip>`; kept in memory by the process. */
  throttle: Map<string, ThrottleState>;
  /** Lifetime of the bearer token a sign-in returns. @default 300 (SPEC §9: 5 minutes) */
  accessTokenTtlSeconds: number;
  /** Lifetime of the session cookie. @default 43200 (12 hours) */
  sessionTtlSeconds: number;
  /**
   * An outside identity source (LDAP). When set, users without a user item, and users with `Source: ldap`, sign in
   * against it; local users (`Source: local`, the default) never do. @default none: local users only
   */
  directory?: Directory;
}
