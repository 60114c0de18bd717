import { useEffect, useState } from 'react';
import { useClient } from '../app/context';
import { displayName } from '../api/rest';
import type { Invite } from '../api/types';
import { describe } from '../auth/AuthScreen';

export function InvitesTab({ guild }: { guild: string }) {
  const client = useClient();
  const [invites, setInvites] = useState<Invite[]>([]);
  const [notice, setNotice] = useState<string | null>(null);
  const load = () => client.rest.get<Invite[]>(`/guilds/${guild}/invites`).then(setInvites, (e) => setNotice(describe(e)));
  useEffect(() => {
    void load();
  }, [guild]); // eslint-disable-line react-hooks/exhaustive-deps
  const revoke = (code: string) => client.rest.delete(`/invites/${code}`).then(load, (e) => setNotice(describe(e)));
  return (
    <div className="stack">
      <h3>Invites</h3>
      <table>
        <thead>
          <tr>
            <th scope="col">Code</th>
            <th scope="col">Inviter</th>
            <th scope="col">Uses</th>
            <th scope="col">Expires</th>
            <th scope="col" />
          </tr>
        </thead>
        <tbody>
          {invites.map((i) => (
            <tr key={i.code}>
              <td>
                <code>{i.code}</code>
              </td>
              <td>{displayName(i.inviter)}</td>
              <td>
                {i.uses ?? 0}
                {i.max_uses ? ` / ${i.max_uses}` : ''}
              </td>
              <td>{i.expires_at ? new Date(i.expires_at).toLocaleString() : 'never'}</td>
              <td>
                <button onClick={() => void revoke(i.code)}>Revoke</button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {invites.length === 0 && <p className="muted">No invites.</p>}
      {notice && <p role="status">{notice}</p>}
    </div>
  );
}
