import { type FormEvent, useState } from 'react';
import { useClient } from '../app/context';
import { navigate } from '../app/router';
import { ApiError } from '../api/rest';
import { FormError } from '../ui/FormError';

type Mode = 'login' | 'register';

/** Sign in (with a two-factor step when the account has it) and sign up. */
export function AuthScreen({ mode }: { mode: Mode }) {
  const client = useClient();
  const [login, setLogin] = useState('');
  const [password, setPassword] = useState('');
  const [email, setEmail] = useState('');
  const [ticket, setTicket] = useState<string | null>(null);
  const [code, setCode] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function submit(e: FormEvent) {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      if (ticket) await client.finishMfa(ticket, code.trim());
      else if (mode === 'register') await client.register(login.trim(), password, email.trim());
      else {
        const challenge = await client.login(login.trim(), password);
        if (challenge) setTicket(challenge.ticket);
      }
    } catch (err) {
      setError(describe(err));
    } finally {
      setBusy(false);
    }
  }

  const title = ticket ? 'Two-factor authentication' : mode === 'register' ? 'Create an account' : 'Welcome back';
  return (
    <main className="auth">
      <form className="auth-card" onSubmit={submit} aria-labelledby="auth-title">
        <h1 id="auth-title">{title}</h1>
        {ticket ? (
          <label>
            Authentication code
            <input
              name="code"
              value={code}
              onChange={(e) => setCode(e.target.value)}
              autoComplete="one-time-code"
              inputMode="numeric"
              autoFocus
              required
            />
          </label>
        ) : (
          <>
            <label>
              {mode === 'register' ? 'Username' : 'Username or email'}
              <input name="username" value={login} onChange={(e) => setLogin(e.target.value)} autoComplete="username" autoFocus required />
            </label>
            {mode === 'register' && (
              <label>
                Email (optional)
                <input name="email" type="email" value={email} onChange={(e) => setEmail(e.target.value)} autoComplete="email" />
              </label>
            )}
            <label>
              Password
              <input
                name="password"
                type="password"
                value={password}
                onChange={(e) => setPassword(e.target.value)}
                autoComplete={mode === 'register' ? 'new-password' : 'current-password'}
                minLength={mode === 'register' ? 8 : undefined}
                required
              />
            </label>
          </>
        )}
        <FormError error={error} />
        <button type="submit" className="primary" disabled={busy}>
          {ticket ? 'Verify' : mode === 'register' ? 'Continue' : 'Log in'}
        </button>
        {!ticket && (
          <p className="muted">
            {mode === 'register' ? 'Already have an account? ' : 'Need an account? '}
            <a
              href={mode === 'register' ? '/login' : '/register'}
              onClick={(e) => {
                e.preventDefault();
                navigate(mode === 'register' ? '/login' : '/register');
              }}
            >
              {mode === 'register' ? 'Log in' : 'Register'}
            </a>
          </p>
        )}
      </form>
    </main>
  );
}

export function describe(error: unknown): string {
  if (error instanceof ApiError) {
    const detail = firstFieldError(error.errors);
    return detail ? `${error.message}: ${detail}` : error.message;
  }
  return error instanceof Error ? error.message : String(error);
}

/** The first message in Discord's nested `errors` object. */
function firstFieldError(errors: unknown): string | null {
  if (!errors || typeof errors !== 'object') return null;
  const record = errors as Record<string, unknown>;
  if (Array.isArray(record._errors)) {
    const first = record._errors[0] as { message?: string } | undefined;
    return first?.message ?? null;
  }
  for (const value of Object.values(record)) {
    const found = firstFieldError(value);
    if (found) return found;
  }
  return null;
}
