// The built-in edge router of the embedded mode (ARCHITECTURE §2 "Traffic", SPEC §7).
export { createEdgeRouter, type EdgeRouter, type EdgeRouterLogger, type EdgeRouterOptions, type EdgeRouterStatus } from './edge-router.js';
export { SLICE_HEADER, UPSTREAM_RESPONSE_HEADER } from './request-handler.js';
