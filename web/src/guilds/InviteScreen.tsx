import { useEffect, useState } from 'react';
import { useClient } from '../app/context';
import { navigate } from '../app/router';
import type { Invite } from '../api/types';
import { describe } from '../auth/AuthScreen';
import { FormError } from '../ui/FormError';

/** `/invite/<code>`: shows the invite's guild and joins it on request. */
export function InviteScreen({ code }: { code: string }) {
  const client = useClient();
  const [invite, setInvite] = useState<Invite | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    client.rest.get<Invite>(`/invites/${encodeURIComponent(code)}`).then(setInvite, (e) => setError(describe(e)));
  }, [client, code]);

  async function accept() {
    try {
      const joined = await client.acceptInvite(code);
      navigate(`/channels/${joined.guild?.id}${joined.channel ? `/${joined.channel.id}` : ''}`, true);
    } catch (e) {
      setError(describe(e));
    }
  }

  return (
    <main className="auth">
      <div className="auth-card" role="region" aria-label="Invite">
        {invite ? (
          <>
            <p className="muted">You have been invited to join</p>
            <h1>{invite.guild?.name}</h1>
            <button className="primary" onClick={accept}>
              Accept invite
            </button>
          </>
        ) : (
          !error && <p>Loading invite…</p>
        )}
        <FormError error={error} />
        <button onClick={() => navigate('/channels/@me')}>Back</button>
      </div>
    </main>
  );
}
