import { AsyncLocalStorage } from 'node:async_hooks';
import { pino, type DestinationStream, type Logger } from 'pino';
import type { HttpLogger, LogFields } from '@envmgr/http';

/**
 * Where secrets can appear in what EM logs, as pino redaction paths: credentials in request headers and bodies,
 * sign-in answers, configuration objects and webhook subscriptions. A value at one of these paths is written as
 * `[redacted]` whatever else the line holds (pino's `redact`, which compiles the paths once).
 */
export const REDACTED_PATHS: readonly string[] = [
  'password', '*.password', 'newPassword', '*.newPassword', 'currentPassword', '*.currentPassword',
  'token', '*.token', 'accessToken', '*.accessToken', 'refreshToken', '*.refreshToken',
  'secret', '*.secret', 'clientSecret', '*.clientSecret',
  'authorization', '*.authorization', 'cookie', '*.cookie', 'headers["set-cookie"]', '*.headers["set-cookie"]',
  'req.headers.authorization', 'req.headers.cookie', 'res.headers["set-cookie"]',
  'adminPassword', 'jwtSecret', 'smtpPassword', 'ldapBindPassword', 'ownerWebhookSecret',
  'config.adminPassword', 'config.jwtSecret', 'config.smtpPassword', 'config.ldapBindPassword', 'config.ownerWebhookSecret',
  'channel.secret', 'subscription.secret', '*.channel.secret',
];

export const REDACTED = '[redacted]';

/** EM's JSON logger: one line per record, with secrets redacted by path (docs/observability.md). */
export function createLogger(opts: { level: string; destination?: DestinationStream }): Logger {
  const options = { level: opts.level, base: { service: 'envmgr' }, redact: { paths: [...REDACTED_PATHS], censor: REDACTED } };
  return opts.destination ? pino(options, opts.destination) : pino(options);
}

/** Request-scoped log fields: a request's id, actor, deployment and trace on every line written while it runs. */
export interface LogContext {
  run<T>(fields: LogFields, fn: () => Promise<T>): Promise<T>;
  /** The fields of the request running now (none outside a request). */
  current(): Record<string, string>;
  /** A logger that adds the current fields to each line (a line's own fields win). */
  wrap(logger: HttpLogger): HttpLogger;
}

export function createLogContext(): LogContext {
  const storage = new AsyncLocalStorage<LogFields>();
  const current = (): Record<string, string> => {
    const fields = storage.getStore()?.() ?? {};
    return Object.fromEntries(Object.entries(fields).filter((e): e is [string, string] => e[1] !== undefined));
  };
  return {
    run: (fields, fn) => storage.run(fields, fn),
    current,
    wrap: (logger) => ({
      info: (o, msg) => logger.info({ ...current(), ...o }, msg),
      warn: (o, msg) => logger.warn({ ...current(), ...o }, msg),
      error: (o, msg) => logger.error({ ...current(), ...o }, msg),
    }),
  };
}
