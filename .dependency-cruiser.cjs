// Dependency rules of STYLE §3, checked by `npm run lint` (depcruise --config .dependency-cruiser.cjs packages apps).
// Decisions and their reasons: docs/adr/0001-lint-and-ci-tooling.md.
//
// Rules match resolved file paths. Workspace imports (`@envmgr/x`) resolve through the node_modules symlinks to
// `packages/x/src/index.ts` (symlinks are followed and the `@envmgr/source` export condition is used), so
// "packages/domain imports @envmgr/app" is seen as `packages/domain/... -> packages/app/src/index.ts`.
//
// Regex notes: depcruise refuses patterns it considers slow (nested quantifiers), and a `$1` in `to` is the first
// group of `from.path` that took part in the match, so groups below are never optional.

/** One workspace package directory; group 1 of a `from.path` built from it is the package. */
const PKG = '(packages/adapters/[^/]+|packages/[^/]+|apps/[^/]+)';

const DOMAIN = '^packages/domain/';
const PORTS = '^packages/ports/';
const APP = '^packages/app/';
const API_CONTRACT = '^packages/api-contract/';
const TEST_SUPPORT = '^packages/test-support/';
const MEMORY_ADAPTER = '^packages/adapters/memory/';
const WORKSPACE = '^(packages|apps)/';
// test runners and property-based testing
const VITEST = '^node_modules/(vitest|@vitest|fast-check)/';

/** Unit, API and integration tests (`x.test.ts`, `x.int.test.ts`, `x.contract.test.ts`). */
const TEST_FILE = '\\.test\\.tsx?$';
/** Contract suites in ports: test support, run only through an adapter's test. */
const CONTRACT_FILE = '^packages/ports/src/.+\\.contract\\.ts$';
/** A package's test entry point (`@envmgr/x/testing`, STYLE §2): contract suites, fakes and test helpers. */
const TESTING_ENTRY = `^${PKG}/src/testing[a-z0-9-]*\\.tsx?$`;
/** A package's test helpers kept in a `src/testing/` folder (servers started by tests, fakes). */
const TESTING_FOLDER = `^${PKG}/src/testing/`;
const PORTS_TESTING = '^packages/ports/src/testing\\.ts$';
/** Files that exist only to test: they may use vitest, fakes and builders. */
const TEST_CODE = [TEST_FILE, CONTRACT_FILE, TESTING_ENTRY, TESTING_FOLDER, TEST_SUPPORT];
/** What a test file may import besides what its package may import. */
const TEST_EXTRAS = [VITEST, MEMORY_ADAPTER, TEST_SUPPORT];

/** The packages STYLE §3 has a row for. A package outside this list fails `package-not-in-table`. */
const KNOWN_PACKAGES =
  '^(packages/(domain|ports|app|http|jobs|api-contract|agent-core|test-support|iam-setup)|packages/adapters/[^/]+|apps/[^/]+)/';
const IAM_SETUP = '^packages/iam-setup/';

/**
 * Two rules for one row of the table: production files of `from` may reach only `allowed`; its test files
 * (`*.test.ts` and `src/testing.ts`) may reach `allowed` plus TEST_EXTRAS. `scope` is 'all' to forbid everything
 * else (npm packages and node:* included) or 'workspace' to forbid only our other packages.
 */
function row({ name, from, allowed, scope, comment }) {
  const to = (extra) => ({
    ...(scope === 'workspace' ? { path: WORKSPACE } : {}),
    pathNot: [...allowed, ...extra],
  });
  return [
    { name, comment, severity: 'error', from: { path: from, pathNot: TEST_CODE }, to: to([]) },
    {
      name: `${name} (tests)`,
      comment: `${comment} Test files may also import vitest, the memory adapters and test-support.`,
      severity: 'error',
      from: { path: `${from}(.*\\.test|src/testing[a-z0-9-]*|src/testing/.*)\\.tsx?$` },
      to: to(TEST_EXTRAS),
    },
  ];
}

module.exports = {
  forbidden: [
    // ---- STYLE §3, one row at a time --------------------------------------------------------------------------
    ...row({
      name: 'domain-imports-nothing',
      comment: 'domain imports nothing of ours and has no runtime dependencies: no npm packages, no node:* (STYLE §3).',
      from: DOMAIN,
      allowed: [DOMAIN],
      scope: 'all',
    }),
    ...row({
      name: 'ports-import-domain',
      comment: 'ports may import domain only (STYLE §3).',
      from: PORTS,
      allowed: [PORTS, DOMAIN],
      scope: 'all',
    }),
    {
      name: 'ports-contract-suites',
      comment:
        'A contract suite (ports/src/**/*.contract.ts) may import domain, its port, vitest and node:* builtins; ' +
        'nothing else of ours.',
      severity: 'error',
      from: { path: `${CONTRACT_FILE}|${PORTS_TESTING}` },
      to: { pathNot: [PORTS, DOMAIN, VITEST], dependencyTypesNot: ['core'] },
    },
    ...row({
      name: 'app-imports-domain-and-ports',
      comment: 'app (use cases) may import domain and ports only (STYLE §3).',
      from: APP,
      allowed: [APP, DOMAIN, PORTS],
      scope: 'all',
    }),
    ...row({
      name: 'adapter-imports-domain-ports-and-its-sdk',
      comment:
        'An adapter may import domain, ports and its own SDK; never app, http, jobs or another adapter (STYLE §3). ' +
        'Its SDK must be declared in its own package.json (see no-undeclared-dependency).',
      from: '^packages/adapters/([^/]+)/',
      allowed: ['^packages/adapters/$1/', DOMAIN, PORTS],
      scope: 'workspace',
    }),
    ...row({
      name: 'http-and-jobs-import-app-and-contract',
      comment: 'http and jobs may import app, api-contract, domain and ports; never adapters or each other (STYLE §3).',
      from: '^packages/(http|jobs)/',
      allowed: ['^packages/$1/', APP, API_CONTRACT, DOMAIN, PORTS],
      scope: 'workspace',
    }),
    ...row({
      name: 'api-contract-imports-zod-only',
      comment: 'api-contract may import zod only: it is shared with the CLI and the browser (STYLE §3).',
      from: API_CONTRACT,
      allowed: [API_CONTRACT, '^node_modules/zod/'],
      scope: 'all',
    }),
    ...row({
      name: 'iam-setup-imports-domain',
      comment: 'iam-setup (the IAM set-up of SPEC §12, generated and proven offline) is pure: domain only, no I/O (ADR 0006).',
      from: IAM_SETUP,
      allowed: [IAM_SETUP, DOMAIN],
      scope: 'all',
    }),
    ...row({
      name: 'agent-core-imports-api-contract',
      comment: 'agent-core may import api-contract (types) only among our packages (STYLE §3).',
      from: '^packages/agent-core/',
      allowed: ['^packages/agent-core/', API_CONTRACT],
      scope: 'workspace',
    }),
    {
      name: 'test-support-imports-domain-and-ports',
      comment: 'test-support (builders, fake clock, fixed ids) may import domain and ports of ours.',
      severity: 'error',
      from: { path: TEST_SUPPORT },
      to: { path: WORKSPACE, pathNot: [TEST_SUPPORT, DOMAIN, PORTS] },
    },
    ...row({
      name: 'cli-and-web-talk-http-only',
      comment:
        'cli and web reach the server over HTTP through api-contract; they never import app, http or adapters ' +
        '(STYLE §3). Their own npm libraries are fine.',
      from: '^apps/(web)/',
      allowed: ['^apps/$1/', API_CONTRACT],
      scope: 'workspace',
    }),
    ...row({
      name: 'cli-talks-http-only',
      comment:
        'cli reaches the server over HTTP through api-contract; it never imports app, http or adapters (STYLE §3). ' +
        'It may use the pure domain and iam-setup (no I/O): `envmgr edge` renders nginx configuration (ADR 0005), ' +
        '`envmgr setup` generates and proves IAM (ADR 0006). Only `envmgr setup --apply` reaches AWS itself (below).',
      from: '^apps/(cli)/(?!src/setup-(commands|apply|storage))',
      allowed: ['^apps/$1/', API_CONTRACT, DOMAIN, IAM_SETUP],
      scope: 'workspace',
    }),
    ...row({
      name: 'cli-setup-may-apply-iam',
      comment:
        '`envmgr setup iam --apply` and `envmgr setup storage` run before any EM server exists, so they create the roles, ' +
        'tables and buckets through the adapters themselves (ADR 0006); nothing else of the CLI may import an adapter.',
      from: '^apps/(cli)/src/setup-(commands|apply|storage)',
      allowed: ['^apps/$1/', API_CONTRACT, DOMAIN, IAM_SETUP, '^packages/adapters/(aws|store-dynamodb|blobs-s3)/'],
      scope: 'workspace',
    }),
    {
      name: 'nothing-imports-apps',
      comment: 'apps/* are composition roots; packages never import them.',
      severity: 'error',
      from: { path: '^packages/' },
      to: { path: '^apps/' },
    },
    {
      name: 'package-not-in-table',
      comment:
        'This package has no row in STYLE §3. Add one there and a rule here before adding code to it, ' +
        'so that its dependencies are checked.',
      severity: 'error',
      from: { path: WORKSPACE, pathNot: KNOWN_PACKAGES },
      to: {},
    },

    // ---- the core stays free of I/O and configuration (STYLE §1, §3) --------------------------------------------
    {
      name: 'no-node-builtins-in-core',
      comment:
        'domain, ports and app do no I/O: no node:* builtins. Take a port instead. ' +
        "(ports' *.contract.ts suites are test support and exempt.)",
      severity: 'error',
      from: { path: '^packages/(domain|ports|app)/', pathNot: [CONTRACT_FILE, PORTS_TESTING] },
      to: { dependencyTypes: ['core'] },
    },
    {
      name: 'no-aws-sdk-in-core',
      comment: 'domain, ports and app never import @aws-sdk/*; AWS lives in adapters behind ports.',
      severity: 'error',
      from: { path: '^packages/(domain|ports|app)/', pathNot: [CONTRACT_FILE, PORTS_TESTING] },
      to: { path: '(^|/)node_modules/@aws-sdk/|^@aws-sdk/' },
    },

    // ---- general hygiene --------------------------------------------------------------------------------------
    {
      name: 'no-circular',
      comment: 'No import cycles (type-only edges included: they still couple the modules).',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
    {
      name: 'no-deep-import',
      comment:
        "Import another package through its name and exports (src/index.ts, src/testing.ts), never a file of its src/ or dist/.",
      severity: 'error',
      from: { path: `^${PKG}/` },
      to: { path: `^${PKG}/`, pathNot: ['^$1/', `^${PKG}/src/(index|testing)\\.tsx?$`] },
    },
    {
      name: 'no-deep-import-by-name',
      comment: "Import '@envmgr/x' or '@envmgr/x/testing', never '@envmgr/x/src/...' or '@envmgr/x/dist/...'.",
      severity: 'error',
      from: {},
      to: { path: '^@envmgr/[^/]+/(src|dist)(/|$)' },
    },
    {
      name: 'no-test-code-in-production',
      comment:
        'Production code never imports tests, contract suites, a package\'s src/testing.ts or test-support ' +
        '(they pull in vitest and fakes). Put a test helper in src/testing.ts or packages/test-support.',
      severity: 'error',
      from: { pathNot: TEST_CODE },
      to: { path: TEST_CODE },
    },
    {
      name: 'not-to-unresolvable',
      comment: 'This import does not resolve: a typo, a missing dependency, or a path that the exports map hides.',
      severity: 'error',
      // the bin shims import ../dist/main.js, which exists only after `npm run build`
      from: { pathNot: '^apps/[^/]+/bin/' },
      to: { couldNotResolve: true },
    },
    {
      name: 'no-undeclared-dependency',
      comment:
        "An npm package used here is not declared in this package's package.json (nor the root's); it only " +
        'resolves because npm hoisted it. Declare it.',
      severity: 'error',
      from: {},
      to: { dependencyTypes: ['npm-no-pkg', 'npm-unknown'] },
    },
    {
      name: 'no-dev-dependency-in-production',
      comment: 'Production code must not need a devDependency at run time (type-only imports are fine).',
      severity: 'error',
      from: { path: WORKSPACE, pathNot: TEST_CODE },
      to: { dependencyTypes: ['npm-dev'], dependencyTypesNot: ['npm', 'npm-optional', 'npm-peer', 'type-only'] },
    },
  ],

  options: {
    doNotFollow: { path: 'node_modules' },
    // build output; the bin shims import ../dist/main.js, which is dropped with it
    exclude: { path: '^(packages/adapters/[^/]+|packages/[^/]+|apps/[^/]+|bench)/dist/' },
    // keep `import type` edges: the table is about every arrow, types included
    tsPreCompilationDeps: true,
    // a package's dependencies are its own package.json plus the root's (devDependencies such as vitest)
    combinedDependencies: true,
    // follow node_modules/@envmgr/* symlinks to packages/*, so rules see where an import really lands
    preserveSymlinks: false,
    tsConfig: { fileName: 'tsconfig.base.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      // `@envmgr/source` maps each workspace package to its src/index.ts (see the packages' exports)
      conditionNames: ['@envmgr/source', 'import', 'require', 'node', 'default'],
      mainFields: ['module', 'main', 'types', 'typings'],
    },
    skipAnalysisNotInRules: true,
    reporterOptions: { text: { highlightFocused: true } },
  },
};
