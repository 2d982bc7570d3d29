export { createHttpApp } from './app.js';
export type { HttpDeps, HttpLogger, App } from './context.js';
