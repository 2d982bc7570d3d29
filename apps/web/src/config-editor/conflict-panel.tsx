import { diffOf } from '../pages/diff.js';
import type { Doc } from './schema-fields.js';

export interface Conflict {
  /** The item as it was loaded, and its version. */
  base: Doc;
  baseVersion: number;
  /** The item as it is now. */
  latest: Doc;
  latestVersion: number;
  /** What the user tried to save. */
  mine: Doc;
}

/** A 409 version conflict: what someone else changed since the item was loaded, and the two ways on. */
export function ConflictPanel({ conflict, onResolve }: { conflict: Conflict; onResolve: (how: 'reload' | 'reapply') => void }) {
  const theirs = diffOf(conflict.base, conflict.latest);
  return (
    <section className="conflict" role="alert" aria-labelledby="conflict-title">
      <h2 id="conflict-title">Changed by someone else</h2>
      <p>
        You loaded version {conflict.baseVersion}; it is now version {conflict.latestVersion}. Nothing was saved. What changed since you loaded it:
      </p>
      {theirs.length === 0 ? (
        <p>No field differs (only the version changed).</p>
      ) : (
        <table className="diff">
          <caption className="visually-hidden">Changes since version {conflict.baseVersion}</caption>
          <thead>
            <tr>
              <th scope="col">Field</th>
              <th scope="col">When you loaded it</th>
              <th scope="col">Now</th>
            </tr>
          </thead>
          <tbody>
            {theirs.map((c) => (
              <tr key={c.path}>
                <th scope="row">
                  <code>{c.path}</code>
                </th>
                <td>
                  <code>{c.before ?? '(absent)'}</code>
                </td>
                <td>
                  <code>{c.after ?? '(absent)'}</code>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <div className="actions">
        <button type="button" onClick={() => onResolve('reload')}>
          Reload (discard my edits)
        </button>{' '}
        <button type="button" className="primary" onClick={() => onResolve('reapply')}>
          Re-apply my edits to version {conflict.latestVersion}
        </button>
      </div>
    </section>
  );
}
