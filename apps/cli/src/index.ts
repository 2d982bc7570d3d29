export { run } from './run.js';
export type { Io, Writer } from './io.js';
export { EXIT } from './failure.js';
