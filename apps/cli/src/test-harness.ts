import type { FetchLike, FetchResponse } from '@envmgr/api-contract';
import type { Io } from './io.js';
import { run } from './run.js';

/** One request the CLI sent, as the fake server saw it. */
export interface SeenRequest {
  method: string;
  url: string;
  /** The path below `/api/v1/`, still encoded. */
  path: string;
  query: URLSearchParams;
  headers: Record<string, string>;
  body: unknown;
}

export interface FakeAnswer {
  status?: number;
  headers?: Record<string, string>;
  body?: unknown;
}

export const NOW = new Date('2024-05-01T12:00:00.000Z');

/** Drives `run()` against a fake API answering with `respond`, in-memory files and captured output. */
export function cliHarness(respond: (req: SeenRequest) => FakeAnswer = () => ({ status: 404 }), init: { env?: Record<string, string>; files?: Record<string, string> } = {}) {
  const requests: SeenRequest[] = [];
  const files = new Map(Object.entries(init.files ?? {}));
  let stdout = '';
  let stderr = '';
  let stdin: string[] | undefined;
  const fetch: FetchLike = async (url, reqInit) => {
    const u = new URL(url);
    const req: SeenRequest = {
      method: reqInit.method,
      url,
      path: u.pathname.replace(/^\/api\/v1\//, ''),
      query: u.searchParams,
      headers: reqInit.headers,
      body: reqInit.body === undefined ? undefined : (JSON.parse(reqInit.body) as unknown),
    };
    requests.push(req);
    return fakeResponse(respond(req));
  };
  const io = (chunks = stdin): Io => ({
    stdout: { write: (s: string) => (stdout += s) },
    stderr: { write: (s: string) => (stderr += s) },
    env: init.env ?? {},
    stdin: chunks ? (async function* () { yield* chunks; })() : undefined,
    readFile: async (path) => {
      const text = files.get(path);
      if (text === undefined) throw Object.assign(new Error(`ENOENT: ${path}`), { code: 'ENOENT' });
      return text;
    },
    writeFile: async (path, text) => void files.set(path, text),
    fetch,
    now: () => NOW,
  });
  return {
    requests,
    files,
    /** Runs one command line; output accumulates until the next run. */
    async run(...argv: string[]): Promise<number> {
      stdout = '';
      stderr = '';
      return run(argv, io());
    },
    /** Feeds the next runs' stdin. */
    setStdin(...chunks: string[]) {
      stdin = chunks;
    },
    get stdout() {
      return stdout;
    },
    get stderr() {
      return stderr;
    },
  };
}

function fakeResponse({ status = 200, headers = {}, body }: FakeAnswer): FetchResponse {
  const lower = new Map(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v]));
  const text = body === undefined ? '' : typeof body === 'string' ? body : JSON.stringify(body);
  return { status, ok: status >= 200 && status < 300, headers: { get: (n) => lower.get(n.toLowerCase()) ?? null }, text: async () => text };
}

/** A problem+json answer as EM's server sends it. */
export function problem(status: number, code: string, detail: string, extra: Record<string, unknown> = {}): FakeAnswer {
  return {
    status,
    headers: { 'content-type': 'application/problem+json', 'x-request-id': 'req-7' },
    body: { type: `/problems/${code}`, title: code, status, detail, code, requestId: 'req-7', ...extra },
  };
}

export const anEnvironment = (name = 'c50', version = 4) => ({
  EnvironmentName: name,
  Value: { EnvironmentType: 'Cluster', OwningCluster: 'Infra', DeploymentMap: 'Standard' },
  Version: version,
});
