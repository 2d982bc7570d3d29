export * from './package-deps.js';
export * from './packages.js';
export * from './logs.js';
export { packageProblems, appspecProblems, APPSPEC_PATH, HEALTHCHECKS_PATH, PACKAGE_DOCUMENTS, HOOKS, OPERATING_SYSTEMS } from './package-rules.js';
export { compareVersions, versionProblem, VERSION_MAX } from './versions.js';
