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
  /** ENVMGR_STORE: configuration store; `memory` keeps nothing across restarts. @default sqlite */
  store: z.enum(['sqlite', 'memory']).default('sqlite'),
  /** ENVMGR_LOG_LEVEL. @default info */
  logLevel: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** ENVMGR_MAX_BODY_BYTES: largest single-item request body. @default 5 MiB */
  maxBodyBytes: z.coerce.number().int().min(1024).default(5 * 1024 * 1024),
});
export type ServerConfig = Readonly<z.infer<typeof ServerConfigSchema>>;

const ENV: Record<keyof z.infer<typeof ServerConfigSchema>, string> = {
  host: 'ENVMGR_HOST',
  port: 'ENVMGR_PORT',
  dataDir: 'ENVMGR_DATA_DIR',
  store: 'ENVMGR_STORE',
  logLevel: 'ENVMGR_LOG_LEVEL',
  maxBodyBytes: 'ENVMGR_MAX_BODY_BYTES',
};

/** Reads the configuration; on any problem returns every one of them, named by environment variable. */
export function loadConfig(env: NodeJS.ProcessEnv): { ok: true; config: ServerConfig } | { ok: false; problems: string[] } {
  const input = Object.fromEntries(Object.entries(ENV).map(([field, name]) => [field, env[name] === '' ? undefined : env[name]]));
  const parsed = ServerConfigSchema.safeParse(input);
  if (!parsed.success) {
    return {
      ok: false,
      problems: parsed.error.issues.map((i) => `${ENV[i.path[0] as keyof typeof ENV] ?? i.path.join('.')}: ${i.message}`),
    };
  }
  return { ok: true, config: Object.freeze({ ...parsed.data, dataDir: resolve(parsed.data.dataDir) }) };
}
