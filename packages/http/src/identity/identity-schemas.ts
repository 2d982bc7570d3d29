import { z } from '@hono/zod-openapi';
import { PermissionSchema } from '@envmgr/api-contract';

export const CredentialsSchema = z
  .strictObject({
    username: z.string().min(1).max(256).meta({ description: 'user name (DOMAIN\\user accepted)' }),
    password: z.string().min(1).max(1024),
  })
  .meta({ id: 'Credentials' });

export const SignedInSchema = z
  .object({ token: z.string(), expiresInSeconds: z.number().int(), user: z.string() })
  .meta({ id: 'SignedIn', description: 'a short-lived bearer token for `Authorization: Bearer`' });

export const WhoAmISchema = z
  .object({
    name: z.string(),
    kind: z.enum(['user', 'token', 'system', 'anonymous']),
    user: z.string().optional(),
    isAdmin: z.boolean(),
    permissions: z.array(z.record(z.string(), z.unknown())),
    tokenPermissions: z.array(z.record(z.string(), z.unknown())).optional(),
  })
  .meta({ id: 'WhoAmI' });

export const NewTokenSchema = z
  .strictObject({
    name: z.string().min(1).max(255).meta({ description: 'what the token is for, e.g. "deploy from CI"' }),
    expiresInDays: z.number().int().min(1).max(366).default(90),
    permissions: z
      .array(PermissionSchema)
      .max(100)
      .optional()
      .meta({ description: "limits the token to these permission entries (within the owner's); default: all of the owner's" }),
  })
  .meta({ id: 'NewApiToken' });

export const ApiTokenSchema = z
  .object({
    id: z.string(),
    owner: z.string(),
    name: z.string(),
    permissions: z.array(z.record(z.string(), z.unknown())).nullable(),
    createdAt: z.string(),
    expiresAt: z.string().nullable(),
    revokedAt: z.string().nullable(),
  })
  .meta({ id: 'ApiToken' });

export const CreatedTokenSchema = ApiTokenSchema.extend({ token: z.string().meta({ description: 'the secret token, shown only now' }) }).meta({ id: 'CreatedApiToken' });

export const PasswordSchema = z.strictObject({ password: z.string().min(12).max(1024) }).meta({ id: 'NewPassword' });

export const SecurityEventSchema = z
  .object({
    seq: z.number().int(),
    at: z.string(),
    kind: z.string(),
    actor: z.string(),
    subject: z.string().nullable(),
    address: z.string().nullable(),
    requestId: z.string(),
    detail: z.string().nullable(),
  })
  .meta({ id: 'SecurityEvent' });
