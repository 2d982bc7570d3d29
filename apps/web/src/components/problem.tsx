import { ApiError } from '@envmgr/api-contract';

/** What went wrong, as the API said it: its detail, its code, the fields at fault and the request id to quote. */
export function Problem({ error, title }: { error: unknown; title?: string }) {
  if (error === undefined || error === null) return null;
  const api = error instanceof ApiError ? error : undefined;
  const heading = title ?? headingOf(api);
  const errors = fieldErrors(api);
  return (
    <div className="problem" role="alert">
      <strong>{heading}</strong> {error instanceof Error ? error.message : typeof error === 'string' ? error : 'unexpected error'}
      {errors.length > 0 && (
        <ul>
          {errors.map((e) => (
            <li key={e.path + e.message}>
              <code>{e.path || '(body)'}</code>: {e.message}
            </li>
          ))}
        </ul>
      )}
      {api && (
        <div className="problem-meta">
          code <code>{api.code}</code>
          {api.status > 0 && <> · HTTP {api.status}</>}
          {api.requestId && <> · request {api.requestId}</>}
        </div>
      )}
    </div>
  );
}

function headingOf(api: ApiError | undefined): string {
  if (!api) return 'Something went wrong:';
  if (api.status === 403) return 'Not allowed:';
  if (api.status === 401) return 'Please sign in again:';
  if (api.code === 'version-conflict') return 'Changed by someone else:';
  if (api.status === 409 || api.status === 423) return 'Conflict:';
  if (api.status === 0) return 'Cannot reach the server:';
  return 'Failed:';
}

function fieldErrors(api: ApiError | undefined): { path: string; message: string }[] {
  const list = api?.problem?.['errors'];
  if (!Array.isArray(list)) return [];
  return list.flatMap((e: unknown) =>
    e && typeof e === 'object' && 'message' in e && typeof e.message === 'string'
      ? [{ path: 'path' in e && typeof e.path === 'string' ? e.path : '', message: e.message }]
      : [],
  );
}
