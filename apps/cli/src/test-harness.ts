import type { FetchLike, FetchResponse } from '@envmgr/api-contract';
import type { FileSystem, Io, Prompter } from './io.js';
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

export interface HarnessInit {
  env?: Record<string, string>;
  files?: Record<string, string>;
  /** Answers typed on a fake terminal, in order; without it there is no terminal (Io.prompt is absent). */
  terminal?: string[];
}

/** A question asked on the fake terminal; `secret` when echo was off. */
export interface AskedQuestion {
  question: string;
  secret: boolean;
}

/** Drives `run()` against a fake API answering with `respond`, in-memory files and captured output. */
export function cliHarness(respond: (req: SeenRequest) => FakeAnswer = () => ({ status: 404 }), init: HarnessInit = {}) {
  const requests: SeenRequest[] = [];
  const files = new Map(Object.entries(init.files ?? {}));
  /** The mode each file and folder was created with (files written through Io.writeFile have none). */
  const modes = new Map<string, number>();
  /** Every file operation, in order: `mkdir <path>`, `create <path>`, `rename <from> <to>`, `remove <path>`. */
  const fsLog: string[] = [];
  const env: Record<string, string> = { ...init.env };
  const asked: AskedQuestion[] = [];
  const answers = init.terminal;
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
  const enoent = (path: string) => Object.assign(new Error(`ENOENT: ${path}`), { code: 'ENOENT' });
  const fs: FileSystem = {
    mkdir: async (path, mode) => {
      fsLog.push(`mkdir ${path}`);
      if (!modes.has(path)) modes.set(path, mode);
    },
    createFile: async (path, text, mode) => {
      fsLog.push(`create ${path}`);
      if (files.has(path)) throw Object.assign(new Error(`EEXIST: ${path}`), { code: 'EEXIST' });
      files.set(path, text);
      modes.set(path, mode);
    },
    rename: async (from, to) => {
      fsLog.push(`rename ${from} ${to}`);
      const text = files.get(from);
      if (text === undefined) throw enoent(from);
      files.set(to, text);
      modes.set(to, modes.get(from) ?? 0o644);
      files.delete(from);
      modes.delete(from);
    },
    remove: async (path) => {
      fsLog.push(`remove ${path}`);
      if (!files.delete(path)) throw enoent(path);
      modes.delete(path);
    },
  };
  const prompt: Prompter | undefined = answers && {
    ask: async (question) => {
      asked.push({ question, secret: false });
      return answers.shift() ?? '';
    },
    askSecret: async (question) => {
      asked.push({ question, secret: true });
      return answers.shift() ?? '';
    },
  };
  const io = (chunks = stdin): Io => ({
    stdout: { write: (s: string) => (stdout += s) },
    stderr: { write: (s: string) => (stderr += s) },
    env,
    stdin: chunks ? (async function* () { yield* chunks; })() : undefined,
    readFile: async (path) => {
      const text = files.get(path);
      if (text === undefined) throw enoent(path);
      return text;
    },
    writeFile: async (path, text) => void files.set(path, text),
    fetch,
    now: () => NOW,
    fs,
    homedir: () => '/home/tester',
    hostname: () => 'build-7',
    prompt,
  });
  return {
    requests,
    files,
    modes,
    fsLog,
    /** The environment of the next runs; change it between runs. */
    env,
    /** Questions asked on the fake terminal. */
    asked,
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
