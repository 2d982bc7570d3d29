export * from './identity-deps.js';
export * from './actors.js';
export * from './sign-in.js';
export * from './authenticate.js';
export * from './access.js';
export * from './api-tokens.js';
export * from './bootstrap.js';
export * from './policy-simulator.js';
