import { useId, useRef, useState, type ReactNode } from 'react';

/**
 * A secret the server shows once (an API token, a webhook signing secret): an alert with the message, the secret in a
 * read-only field, Copy (or select, without a clipboard) and Done.
 */
export function SecretOnce({ label, secret, onDone, children }: { label: string; secret: string; onDone: () => void; children: ReactNode }) {
  const [copied, setCopied] = useState('');
  const secretRef = useRef<HTMLInputElement>(null);
  const id = useId();
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(secret);
      setCopied('Copied to the clipboard.');
    } catch {
      // no clipboard (an insecure origin): select the text so the keyboard can copy it
      secretRef.current?.select();
      setCopied('Selected: press Ctrl+C (⌘C) to copy.');
    }
  };
  return (
    <div className="token-once" role="alert">
      <p>{children}</p>
      <label htmlFor={id}>{label}</label>{' '}
      <input id={id} ref={secretRef} readOnly value={secret} onFocus={(e) => e.target.select()} />{' '}
      <button type="button" onClick={() => void copy()}>
        Copy
      </button>{' '}
      <button type="button" onClick={onDone}>
        Done
      </button>
      <span role="status" aria-live="polite">
        {' '}
        {copied}
      </span>
    </div>
  );
}
