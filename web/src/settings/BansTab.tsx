import { useEffect, useState } from 'react';
import { useClient } from '../app/context';
import { displayName } from '../api/rest';
import type { Ban } from '../api/types';
import { describe } from '../auth/AuthScreen';

export function BansTab({ guild }: { guild: string }) {
  const client = useClient();
  const [bans, setBans] = useState<Ban[]>([]);
  const [notice, setNotice] = useState<string | null>(null);
  const load = () => client.rest.get<Ban[]>(`/guilds/${guild}/bans`).then(setBans, (e) => setNotice(describe(e)));
  useEffect(() => {
    void load();
  }, [guild]); // eslint-disable-line react-hooks/exhaustive-deps
  const unban = (user: string) => client.rest.delete(`/guilds/${guild}/bans/${user}`).then(load, (e) => setNotice(describe(e)));
  return (
    <div className="stack">
      <h3>Bans</h3>
      <ul role="list" className="bans">
        {bans.map((b) => (
          <li key={b.user.id}>
            <strong>{displayName(b.user)}</strong> <span className="muted">{b.reason ?? 'no reason given'}</span>
            <button onClick={() => void unban(b.user.id)}>Revoke ban</button>
          </li>
        ))}
      </ul>
      {bans.length === 0 && <p className="muted">Nobody is banned.</p>}
      {notice && <p role="status">{notice}</p>}
    </div>
  );
}
