import { type FormEvent, useState } from 'react';
import { useClient } from '../app/context';
import { navigate } from '../app/router';
import { useSelect } from '../state/store';
import { displayName } from '../api/rest';
import type { Relationship } from '../api/types';
import { Avatar } from '../ui/Avatar';
import { describe } from '../auth/AuthScreen';

const TABS = [
  { key: 'online', label: 'Online' },
  { key: 'all', label: 'All' },
  { key: 'pending', label: 'Pending' },
  { key: 'blocked', label: 'Blocked' },
] as const;

/** Friends, requests and blocks; add a friend by username; open a DM. */
export function Friends() {
  const client = useClient();
  const [tab, setTab] = useState<(typeof TABS)[number]['key']>('online');
  const [name, setName] = useState('');
  const [notice, setNotice] = useState<string | null>(null);
  const relationships = useSelect((s) => Object.values(s.relationships));
  const presences = useSelect((s) => s.presences);
  const shown = relationships.filter((r) => {
    const status = presences[r.id]?.status ?? 'offline';
    if (tab === 'online') return r.type === 1 && status !== 'offline';
    if (tab === 'all') return r.type === 1;
    if (tab === 'pending') return r.type === 3 || r.type === 4;
    return r.type === 2;
  });

  async function add(e: FormEvent) {
    e.preventDefault();
    try {
      await client.rest.post('/users/@me/relationships', { username: name.trim() });
      setNotice(`Friend request sent to ${name.trim()}.`);
      setName('');
    } catch (err) {
      setNotice(describe(err));
    }
  }

  const act = (r: Relationship, action: 'accept' | 'remove' | 'block' | 'message') => {
    const path = `/users/@me/relationships/${r.id}`;
    if (action === 'accept') void client.rest.put(path, {});
    if (action === 'remove') void client.rest.delete(path);
    if (action === 'block') void client.rest.put(path, { type: 2 });
    if (action === 'message') void client.openDm(r.id).then((c) => navigate(`/channels/@me/${c.id}`));
  };

  return (
    <section className="friends" aria-label="Friends">
      <header className="channel-header">
        <h2>Friends</h2>
        <div role="tablist" className="tabs">
          {TABS.map((t) => (
            <button key={t.key} role="tab" aria-selected={tab === t.key} onClick={() => setTab(t.key)}>
              {t.label}
            </button>
          ))}
        </div>
      </header>
      <form className="add-friend" onSubmit={add}>
        <label>
          Add a friend by username
          <input name="friend" value={name} onChange={(e) => setName(e.target.value)} required />
        </label>
        <button type="submit" className="primary">
          Send request
        </button>
        {notice && <p role="status">{notice}</p>}
      </form>
      <ul className="friend-list" role="list">
        {shown.map((r) => (
          <li key={r.id} className="friend">
            <Avatar user={r.user} status={presences[r.id]?.status ?? 'offline'} />
            <span className="friend-name">{displayName(r.user)}</span>
            <span className="muted">{r.type === 3 ? 'Incoming request' : r.type === 4 ? 'Outgoing request' : ''}</span>
            <span className="actions">
              {r.type === 3 && <button onClick={() => act(r, 'accept')}>Accept</button>}
              {r.type === 1 && <button onClick={() => act(r, 'message')}>Message</button>}
              {r.type !== 2 && <button onClick={() => act(r, 'block')}>Block</button>}
              <button onClick={() => act(r, 'remove')}>{r.type === 2 ? 'Unblock' : r.type === 1 ? 'Remove' : 'Cancel'}</button>
            </span>
          </li>
        ))}
        {shown.length === 0 && <li className="muted">Nobody here yet.</li>}
      </ul>
    </section>
  );
}
