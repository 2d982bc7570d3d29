import type { App } from '../context.js';

/** One operation of the app's OpenAPI document: its method, a matcher for concrete paths, and what was read of it. */
export interface DeclaredOperation<T> {
  method: string;
  pattern: RegExp;
  value: T;
}

/**
 * Reads the finished app's OpenAPI document once into a table of operations, keeping those for which `pick` returns a
 * value. Middleware uses it to act on what a route declares (its permission rule, a required body) before the
 * route's own validation runs.
 */
export function operationTable<T>(pick: (op: Record<string, unknown>) => T | undefined): (app: App) => DeclaredOperation<T>[] {
  const tables = new WeakMap<App, DeclaredOperation<T>[]>();
  return (app) => {
    let t = tables.get(app);
    if (!t) {
      const doc = app.getOpenAPI31Document({ openapi: '3.1.0', info: { title: 'envmgr', version: '1' } });
      t = Object.entries(doc.paths ?? {}).flatMap(([path, ops]) =>
        Object.entries(ops as Record<string, Record<string, unknown>>).flatMap(([method, op]) => {
          const value = pick(op);
          if (value === undefined) return [];
          const pattern = new RegExp(`^${path.replace(/[.+?^$()|[\]\\]/g, '\\$&').replace(/\{[^}]+\}/g, '[^/]+')}$`);
          return [{ method: method.toUpperCase(), pattern, value }];
        }),
      );
      tables.set(app, t);
    }
    return t;
  };
}
