import { useState, type FormEvent } from 'react';
import { Problem } from '../components/problem.js';

/** Sign-in for local and LDAP users alike: the server decides which checks the password. */
export function SignInForm({ onSignIn }: { onSignIn: (username: string, password: string) => Promise<void> }) {
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>();
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      await onSignIn(username.trim(), password);
    } catch (err) {
      setError(err);
      setPassword('');
    } finally {
      setBusy(false);
    }
  };
  return (
    <main className="sign-in" id="main">
      <h1>Sign in to Environment Manager</h1>
      <form onSubmit={(e) => void submit(e)} aria-describedby="sign-in-hint">
        <p id="sign-in-hint" className="hint">
          Use your EM user name, or your directory (LDAP) user name, e.g. <code>DOMAIN\alice</code>.
        </p>
        <label htmlFor="username">User name</label>
        <input id="username" name="username" autoComplete="username" required value={username} onChange={(e) => setUsername(e.target.value)} />
        <label htmlFor="password">Password</label>
        <input id="password" name="password" type="password" autoComplete="current-password" required value={password} onChange={(e) => setPassword(e.target.value)} />
        <button type="submit" className="primary" disabled={busy}>
          {busy ? 'Signing in…' : 'Sign in'}
        </button>
        <Problem error={error} title="Sign-in failed:" />
      </form>
    </main>
  );
}
