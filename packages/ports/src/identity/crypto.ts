/** Slow, salted password hashing (argon2id in production). */
export interface PasswordHasher {
  hash(password: string): Promise<string>;
  /** False on a mismatch or an unreadable hash; never throws for a wrong password. */
  verify(hash: string, password: string): Promise<boolean>;
}

export interface TokenClaims {
  /** The user. */
  sub: string;
  /** `session` (the cookie) or `access` (short-lived bearer). */
  use: 'session' | 'access';
  /** Groups read at sign-in (LDAP) besides the user's configured ones. */
  groups: string[];
}

export type VerifiedToken = { ok: true; claims: TokenClaims } | { ok: false; reason: 'expired' | 'invalid' };

/** Signs and checks EM's own JWTs. */
export interface TokenSigner {
  sign(claims: TokenClaims, ttlSeconds: number): Promise<string>;
  verify(token: string): Promise<VerifiedToken>;
}

/** Cryptographically strong random text (base64url). */
export interface RandomSource {
  token(bytes: number): string;
}
