import { useMemo, useState, type FormEvent } from 'react';
import { ApiError, type ConfigType } from '@envmgr/api-contract';
import { ConfirmButton } from '../components/confirm.js';
import { Problem } from '../components/problem.js';
import { navigate, pathOf } from '../router.js';
import { useClient, useSession } from '../session/session.js';
import { ConflictPanel, type Conflict } from './conflict-panel.js';
import { ENTITY_INFO, KEY_PATHS } from './entity-info.js';
import { FieldInput } from './field-input.js';
import { mergeEdits } from './merge.js';
import { documentOf, fieldOfError, fieldsOf, formValues, validate, type Doc, type FieldError } from './schema-fields.js';

export interface Loaded {
  item: Doc;
  version: number;
}

/** The item without its `Version`: the schemas describe the data, and the version travels in If-Match. */
export function dataOf(item: Readonly<Record<string, unknown>>): Doc {
  return Object.fromEntries(Object.entries(item).filter(([k]) => k !== 'Version'));
}

/**
 * Creates (`loaded` undefined) or edits one configuration item: a form generated from the type's schema or the item
 * as JSON, checked by the same schema before it is sent, with the API's field errors shown at their fields and a
 * version conflict shown as what changed since the item was loaded.
 */
export function ItemEditor({ type, initial }: { type: ConfigType; initial: Loaded | { item: Doc; version: undefined } }) {
  const client = useClient();
  const { can } = useSession();
  const info = ENTITY_INFO[type];
  const fields = useMemo(() => fieldsOf(type), [type]);
  const [loaded, setLoaded] = useState(initial);
  const [view, setView] = useState<'form' | 'json'>('form');
  const [values, setValues] = useState(() => formValues(fields, initial.item));
  const [json, setJson] = useState('');
  const [errors, setErrors] = useState<FieldError[]>([]);
  const [failure, setFailure] = useState<unknown>();
  const [conflict, setConflict] = useState<Conflict>();
  const [saved, setSaved] = useState('');
  const [busy, setBusy] = useState(false);
  const key = loaded.version === undefined ? undefined : info.keyOf(loaded.item);
  const writable = key === undefined ? can('POST', `/config/${type}`) : can('PUT', `/config/${type}/${key}`);

  /** The document as the current view describes it, or the problems reading it. */
  const current = (): { doc: Doc; errors: FieldError[] } => {
    if (view === 'form') return documentOf(fields, values, loaded.item);
    try {
      const parsed: unknown = JSON.parse(json);
      if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) return { doc: loaded.item, errors: [{ path: '', message: 'must be a JSON object' }] };
      return { doc: dataOf(parsed as Doc), errors: [] };
    } catch (err) {
      return { doc: loaded.item, errors: [{ path: '', message: `is not valid JSON: ${err instanceof Error ? err.message : String(err)}` }] };
    }
  };
  const show = (doc: Doc, as: 'form' | 'json' = view) => {
    setValues(formValues(fields, doc));
    setJson(JSON.stringify(doc, null, 2));
    setView(as);
  };
  const switchTo = (next: 'form' | 'json') => {
    if (next === view) return;
    const { doc, errors: problems } = current();
    if (problems.length > 0) return setErrors(problems);
    setErrors([]);
    show(doc, next);
  };

  const save = async (e: FormEvent) => {
    e.preventDefault();
    setFailure(undefined);
    setSaved('');
    const { doc, errors: unreadable } = current();
    const problems = unreadable.length > 0 ? unreadable : validate(type, doc);
    setErrors(problems);
    if (problems.length > 0) return;
    setBusy(true);
    try {
      if (loaded.version === undefined) {
        const created = await client.create(type, doc);
        navigate(pathOf('config', type, info.keyOf(created.item) ?? ''));
        return;
      }
      const updated = await client.update(type, key ?? '', doc, loaded.version);
      setLoaded({ item: dataOf(updated.item), version: updated.version });
      show(dataOf(updated.item));
      setSaved(`Saved as version ${updated.version}.`);
    } catch (err) {
      await handleFailure(err, doc);
    } finally {
      setBusy(false);
    }
  };

  const handleFailure = async (err: unknown, mine: Doc) => {
    if (err instanceof ApiError && err.code === 'version-conflict' && loaded.version !== undefined && key !== undefined) {
      try {
        const latest = await client.get(type, key);
        setConflict({ base: loaded.item, baseVersion: loaded.version, latest: dataOf(latest.item), latestVersion: latest.version, mine });
        return;
      } catch (reloadErr) {
        setFailure(reloadErr);
        return;
      }
    }
    const list = err instanceof ApiError ? err.problem?.['errors'] : undefined;
    if (Array.isArray(list)) {
      setErrors(list.flatMap((x: unknown) => (x && typeof x === 'object' && 'message' in x && typeof x.message === 'string' ? [{ path: 'path' in x && typeof x.path === 'string' ? x.path : '', message: x.message }] : [])));
    }
    setFailure(err);
  };

  const resolve = (how: 'reload' | 'reapply') => {
    if (!conflict) return;
    const next = { item: conflict.latest, version: conflict.latestVersion };
    setLoaded(next);
    setFailure(undefined);
    setErrors([]);
    if (how === 'reload') {
      show(conflict.latest);
      setSaved(`Reloaded version ${conflict.latestVersion}; your edits were discarded.`);
    } else {
      const merged = mergeEdits(conflict.base, conflict.mine, conflict.latest);
      show(merged.doc);
      setSaved(
        `Your edits are applied to version ${conflict.latestVersion}${merged.overlaps.length ? `; both changed ${merged.overlaps.join(', ')} (yours kept)` : ''}. Check them and save again.`,
      );
    }
    setConflict(undefined);
  };

  const remove = async () => {
    if (loaded.version === undefined || key === undefined) return;
    await client.remove(type, key, loaded.version);
    navigate(pathOf('config', type));
  };

  const byField = new Map<string, string>();
  const general: FieldError[] = [];
  for (const err of errors) {
    const f = view === 'form' ? fieldOfError(fields, err.path) : undefined;
    if (f && !byField.has(f)) byField.set(f, err.path === f ? err.message : `${err.path.slice(f.length + 1)}: ${err.message}`);
    else if (!f) general.push(err);
  }
  const keyPaths = KEY_PATHS[type];

  return (
    <form className="item-editor" onSubmit={(e) => void save(e)} noValidate aria-label={`${info.label} editor`}>
      <div className="toolbar" role="group" aria-label="View">
        <button type="button" aria-pressed={view === 'form'} onClick={() => switchTo('form')}>
          Form
        </button>
        <button type="button" aria-pressed={view === 'json'} onClick={() => switchTo('json')}>
          JSON
        </button>
        {loaded.version !== undefined && <span className="hint">version {loaded.version}</span>}
      </div>
      {errors.length > 0 && (
        <div className="problem" role="alert">
          <strong>Please fix {errors.length === 1 ? 'this problem' : `these ${errors.length} problems`}:</strong>
          <ul>
            {errors.map((er) => (
              <li key={er.path + er.message}>
                <code>{er.path || '(item)'}</code>: {er.message}
              </li>
            ))}
          </ul>
        </div>
      )}
      {conflict && <ConflictPanel conflict={conflict} onResolve={resolve} />}
      {view === 'form' ? (
        <fieldset disabled={!writable} className="fields">
          <legend className="visually-hidden">{info.label} fields</legend>
          {fields.map((f) => (
            <FieldInput
              key={f.path}
              spec={f}
              value={values[f.path] ?? ''}
              error={byField.get(f.path)}
              readOnly={loaded.version !== undefined && keyPaths.includes(f.path)}
              onChange={(v) => setValues((vs) => ({ ...vs, [f.path]: v }))}
            />
          ))}
        </fieldset>
      ) : (
        <div className="field">
          <label htmlFor="item-json">{info.label} as JSON</label>
          <textarea id="item-json" className="json" rows={Math.min(30, json.split('\n').length + 1)} value={json} readOnly={!writable} spellCheck={false} onChange={(e) => setJson(e.target.value)} />
        </div>
      )}
      <p aria-live="polite" role="status" className="hint">
        {saved}
      </p>
      <Problem error={failure} />
      <div className="actions">
        {writable && (
          <button type="submit" className="primary" disabled={busy || conflict !== undefined}>
            {loaded.version === undefined ? `Create ${info.label.toLowerCase()}` : 'Save changes'}
          </button>
        )}
        {loaded.version !== undefined && key !== undefined && can('DELETE', `/config/${type}/${key}`) && (
          <ConfirmButton label="Delete" danger question={<>Delete {info.label.toLowerCase()} {key} (version {loaded.version})?</>} confirmLabel="Delete" onConfirm={remove} />
        )}
      </div>
    </form>
  );
}
