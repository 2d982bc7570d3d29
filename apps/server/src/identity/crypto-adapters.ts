import { randomBytes } from 'node:crypto';
import { hash, verify } from '@node-rs/argon2';
import { errors, jwtVerify, SignJWT } from 'jose';
import type { PasswordHasher, RandomSource, TokenClaims, TokenSigner } from '@envmgr/ports';

// @node-rs/argon2's default algorithm is argon2id, with OWASP-level memory and time costs.
export function createArgon2Hasher(): PasswordHasher {
  return {
    hash: (password) => hash(password),
    verify: async (h, password) => {
      try {
        return await verify(h, password);
      } catch {
        return false; // an unreadable hash is a failed sign-in, never a 500
      }
    },
  };
}

const ISSUER = 'envmgr';

/** HS256 JWTs with a server secret (kept in the data directory or given by configuration). */
export function createJwtSigner(secret: Uint8Array): TokenSigner {
  return {
    async sign(claims, ttlSeconds) {
      return new SignJWT({ use: claims.use, groups: claims.groups })
        .setProtectedHeader({ alg: 'HS256' })
        .setSubject(claims.sub)
        .setIssuer(ISSUER)
        .setIssuedAt()
        .setExpirationTime(`${ttlSeconds}s`)
        .sign(secret);
    },
    async verify(token) {
      try {
        const { payload } = await jwtVerify(token, secret, { issuer: ISSUER, algorithms: ['HS256'] });
        const use = payload['use'];
        const groups = payload['groups'];
        if (typeof payload.sub !== 'string' || (use !== 'session' && use !== 'access')) return { ok: false, reason: 'invalid' };
        const claims: TokenClaims = { sub: payload.sub, use, groups: Array.isArray(groups) ? groups.filter((g): g is string => typeof g === 'string') : [] };
        return { ok: true, claims };
      } catch (err) {
        return { ok: false, reason: err instanceof errors.JWTExpired ? 'expired' : 'invalid' };
      }
    },
  };
}

export function createRandomSource(): RandomSource {
  return { token: (bytes) => randomBytes(bytes).toString('base64url') };
}
