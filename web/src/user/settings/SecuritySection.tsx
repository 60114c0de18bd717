import { type FormEvent, useMemo, useState } from 'react';
import { useClient } from '../../app/context';
import { useSelect } from '../../state/store';
import { describe } from '../../auth/AuthScreen';

/** Turns TOTP two-factor authentication on (with a new secret for the authenticator app and
 * recovery codes shown once) or off. */
export function SecuritySection() {
  const client = useClient();
  const me = useSelect((s) => s.me);
  const [enabled, setEnabled] = useState(!!me?.mfa_enabled);
  const secret = useMemo(randomBase32, []);
  const [password, setPassword] = useState('');
  const [code, setCode] = useState('');
  const [codes, setCodes] = useState<string[] | null>(null);
  const [notice, setNotice] = useState<string | null>(null);

  async function enable(e: FormEvent) {
    e.preventDefault();
    try {
      const answer = await client.rest.post<{ backup_codes: { code: string }[] }>('/auth/mfa/totp/enable', {
        password,
        secret,
        code: code.trim(),
      });
      setCodes(answer.backup_codes.map((c) => c.code));
      setEnabled(true);
      setNotice('Two-factor authentication is on.');
    } catch (err) {
      setNotice(describe(err));
    }
  }

  async function disable(e: FormEvent) {
    e.preventDefault();
    try {
      await client.rest.post('/auth/mfa/totp/disable', { code: code.trim() });
      setEnabled(false);
      setNotice('Two-factor authentication is off.');
    } catch (err) {
      setNotice(describe(err));
    }
  }

  const uri = `otpauth://totp/Accord:${encodeURIComponent(me?.username ?? '')}?secret=${secret}&issuer=Accord`;
  return (
    <div className="stack">
      <h3>Two-factor authentication</h3>
      {enabled ? (
        <form className="stack" onSubmit={disable}>
          <label>
            A code from your app (or a recovery code) to turn it off
            <input name="mfa-code" value={code} onChange={(e) => setCode(e.target.value)} autoComplete="one-time-code" required />
          </label>
          <button type="submit" className="danger">
            Turn off
          </button>
        </form>
      ) : (
        <form className="stack" onSubmit={enable}>
          <p>Add this key to your authenticator app, then enter the code it shows.</p>
          <code className="secret" data-testid="totp-secret">
            {secret}
          </code>
          <a href={uri}>Open in authenticator app</a>
          <label>
            Password
            <input type="password" value={password} onChange={(e) => setPassword(e.target.value)} autoComplete="current-password" required />
          </label>
          <label>
            Code
            <input name="mfa-code" value={code} onChange={(e) => setCode(e.target.value)} inputMode="numeric" required />
          </label>
          <button type="submit" className="primary">
            Turn on
          </button>
        </form>
      )}
      {codes && (
        <div>
          <p>Recovery codes (each works once; keep them safe, they are not shown again):</p>
          <ul className="codes" role="list">
            {codes.map((c) => (
              <li key={c}>
                <code>{c}</code>
              </li>
            ))}
          </ul>
        </div>
      )}
      {notice && <p role="status">{notice}</p>}
    </div>
  );
}

/** 20 random bytes in base32 (RFC 4648, no padding), as authenticator apps take them. */
function randomBase32(): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  const bytes = crypto.getRandomValues(new Uint8Array(20));
  let bits = '';
  for (const b of bytes) bits += b.toString(2).padStart(8, '0');
  let out = '';
  for (let i = 0; i + 5 <= bits.length; i += 5) out += alphabet[parseInt(bits.slice(i, i + 5), 2)];
  return out;
}
