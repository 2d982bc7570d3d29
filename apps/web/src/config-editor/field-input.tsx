import type { FieldSpec } from './schema-fields.js';

/** One generated form field: its label (the dotted path the API reports errors at), input, hint and error. */
export function FieldInput(props: { spec: FieldSpec; value: string; error: string | undefined; readOnly: boolean; onChange: (v: string) => void }) {
  const { spec, value, error, readOnly } = props;
  const id = `field-${spec.path}`;
  const hintId = spec.description ? `${id}-hint` : undefined;
  const errorId = error ? `${id}-error` : undefined;
  const common = {
    id,
    'aria-invalid': error ? true : undefined,
    'aria-describedby': [hintId, errorId].filter(Boolean).join(' ') || undefined,
    disabled: readOnly,
  } as const;
  const onChange = (e: { target: { value: string } }) => props.onChange(e.target.value);
  let input;
  switch (spec.field.kind) {
    case 'boolean':
    case 'enum': {
      const options = spec.field.kind === 'boolean' ? ['true', 'false'] : spec.field.options;
      input = (
        <select {...common} value={value} onChange={onChange}>
          {(!spec.required || value === '') && <option value="">(not set)</option>}
          {options.map((o) => (
            <option key={o}>{o}</option>
          ))}
        </select>
      );
      break;
    }
    case 'json':
      input = <textarea {...common} className="json" rows={Math.min(12, Math.max(2, value.split('\n').length))} value={value} spellCheck={false} onChange={onChange} />;
      break;
    default:
      input = <input {...common} inputMode={spec.field.kind === 'number' ? 'numeric' : undefined} value={value} onChange={onChange} />;
  }
  return (
    <div className={error ? 'field field-invalid' : 'field'}>
      <label htmlFor={id}>
        {spec.path}
        {spec.required ? ' (required)' : ''}
        {spec.field.kind === 'json' ? ' · JSON' : ''}
      </label>
      {input}
      {spec.description && (
        <small id={hintId} className="hint">
          {spec.description}
        </small>
      )}
      {error && (
        <small id={errorId} className="field-error">
          {error}
        </small>
      )}
    </div>
  );
}
