import { useEffect, useId, useRef, useState, type ReactNode } from 'react';
import { Problem } from './problem.js';

/**
 * A button that asks before it acts: it opens an inline confirmation (role alertdialog, focus on "Confirm", Escape
 * cancels) and shows the API's problem when the action fails.
 */
export function ConfirmButton(props: {
  label: string;
  /** The button's accessible name when its visible label is the same on every row ("Delete" → "Delete <name>"). */
  ariaLabel?: string;
  question: ReactNode;
  confirmLabel?: string;
  onConfirm: () => Promise<void>;
  disabled?: boolean;
  danger?: boolean;
}) {
  const [open, setOpen] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>();
  const confirmRef = useRef<HTMLButtonElement>(null);
  const openerRef = useRef<HTMLButtonElement>(null);
  const titleId = useId();
  useEffect(() => {
    if (open) confirmRef.current?.focus();
  }, [open]);
  const close = () => {
    setOpen(false);
    openerRef.current?.focus();
  };
  const confirm = async () => {
    setBusy(true);
    setError(undefined);
    try {
      await props.onConfirm();
      setOpen(false);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  return (
    <span className="confirm">
      <button ref={openerRef} type="button" className={props.danger ? 'danger' : undefined} aria-label={props.ariaLabel} disabled={props.disabled || open} onClick={() => setOpen(true)}>
        {props.label}
      </button>
      {open && (
        <div role="alertdialog" aria-labelledby={titleId} className="confirm-box" onKeyDown={(e) => e.key === 'Escape' && close()}>
          <p id={titleId}>{props.question}</p>
          <button ref={confirmRef} type="button" className={props.danger ? 'danger' : 'primary'} disabled={busy} onClick={() => void confirm()}>
            {busy ? 'Working…' : (props.confirmLabel ?? 'Confirm')}
          </button>{' '}
          <button type="button" onClick={close}>
            Cancel
          </button>
        </div>
      )}
      <Problem error={error} />
    </span>
  );
}
