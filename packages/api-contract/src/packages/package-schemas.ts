import { z } from 'zod';
import { environmentName, serviceName } from '../config/entities/fields.js';

/** Semantic Versioning 2.0.0 as semver.org gives it (the server's rules use the same expression). */
export const SEMVER_PATTERN =
  /^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-((?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*)(?:\.(?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*))*))?(?:\+([0-9a-zA-Z-]+(?:\.[0-9a-zA-Z-]+)*))?$/;

/** SPEC §5: a package version is a semantic version of at most 100 characters. */
export const packageVersion = () =>
  z
    .string()
    .max(100, { error: 'must be at most 100 characters' })
    .regex(SEMVER_PATTERN, { error: (iss) => `must be a semantic version such as 1.2.3 or 1.2.3-beta.1; got ${JSON.stringify(iss.input)}` })
    // the version becomes part of registry keys, which cannot hold '+'
    .regex(/^[^+]*$/, { error: 'must not carry build metadata (+...): registry keys cannot hold it; use a pre-release such as 1.2.3-build.5' })
    .meta({ description: 'a semantic version (semver.org), at most 100 characters', example: '1.2.3' });

/** Path parameters naming a package; `environment` only for a package built for one environment. */
export const PackagePathSchema = z.object({
  service: serviceName().meta({ description: 'a configured service', example: 'Hello' }),
  version: packageVersion(),
});
export const EnvironmentPackagePathSchema = PackagePathSchema.extend({
  environment: environmentName().meta({ description: 'the environment this package is built for', example: 'c50' }),
});
export const ServicePathSchema = z.object({ service: PackagePathSchema.shape.service });

const sha256 = () => z.string().regex(/^[0-9a-f]{64}$/).meta({ description: 'SHA-256 of the archive, lower-case hex' });

/** What `PUT /packages/{service}/{version}[/{environment}]` answers (201). */
export const UploadedPackageSchema = z
  .object({
    service: z.string(),
    version: z.string(),
    environment: z.string().optional(),
    sha256: sha256(),
    sizeBytes: z.number().int().min(0),
  })
  .meta({ id: 'UploadedPackage' });
export type UploadedPackageDto = z.infer<typeof UploadedPackageSchema>;

/** One stored package of a service, as `GET /packages/{service}` lists them (semver order). */
export const PackageVersionSchema = z
  .object({
    version: z.string(),
    environment: z.string().optional().meta({ description: 'set for a package built for one environment' }),
    sha256: sha256(),
    sizeBytes: z.number().int().min(0),
    storedAt: z.string().meta({ format: 'date-time' }),
  })
  .meta({ id: 'PackageVersion' });
export type PackageVersionDto = z.infer<typeof PackageVersionSchema>;

/** What `GET /package-upload-url/{service}/{version}[/{environment}]` answers. */
export const PackageUploadUrlSchema = z
  .object({
    url: z.string().meta({ description: 'where to PUT the zip (Content-Type: application/zip), with your usual credentials' }),
  })
  .meta({ id: 'PackageUploadUrl' });

/** Header with the hex SHA-256 of a downloaded package (also sent as `Digest: sha-256=<base64>`). */
export const CHECKSUM_HEADER = 'x-checksum-sha256';
/** Media types a package upload may declare. */
export const PACKAGE_MEDIA_TYPES = ['application/zip', 'application/octet-stream', 'application/x-zip-compressed'] as const;

// Parts of letters, digits and _ . @ = + , ~ % -, not starting with '.', joined by '/': safe in URLs and on every
// file system, and never '..'.
const LOG_KEY = /^[A-Za-z0-9_@=+,~%-][A-Za-z0-9_.@=+,~%-]*(?:\/[A-Za-z0-9_@=+,~%-][A-Za-z0-9_.@=+,~%-]*)*$/;

/** A deployment log's key, e.g. `c50/c50-Hello/deployment-i-0abc-42.log` (SPEC §6). */
export const logKey = () =>
  z
    .string()
    .min(1)
    .max(900)
    .regex(LOG_KEY, { error: "must be /-separated parts of letters, digits and _ . @ = + , ~ % - (a part may not start with '.')" })
    .meta({ description: 'the log key: /-separated parts', example: 'c50/c50-Hello/deployment-i-0abc-42.log' });

export const LogPathSchema = z.object({ key: logKey() });
export const LogListQuerySchema = z.object({
  prefix: z
    .string()
    .max(900)
    .regex(/^(?:[A-Za-z0-9_@=+,~%-][A-Za-z0-9_.@=+,~%-]*(?:\/[A-Za-z0-9_@=+,~%-][A-Za-z0-9_.@=+,~%-]*)*\/?)?$/, { error: 'must be the start of a log key' })
    .default('')
    .meta({ description: 'only logs whose keys start with this', example: 'c50/' }),
});

/** What `PUT /logs/{key}` answers. */
export const StoredLogSchema = z
  .object({ key: z.string(), sha256: sha256(), sizeBytes: z.number().int().min(0) })
  .meta({ id: 'StoredLog' });
export type StoredLogDto = z.infer<typeof StoredLogSchema>;

/** One log, as `GET /logs?prefix=` lists them. */
export const LogInfoSchema = z
  .object({ key: z.string(), sizeBytes: z.number().int().min(0), storedAt: z.string().meta({ format: 'date-time' }) })
  .meta({ id: 'LogInfo' });
export type LogInfoDto = z.infer<typeof LogInfoSchema>;
