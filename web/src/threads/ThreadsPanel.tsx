import { type FormEvent, useState } from 'react';
import { useClient } from '../app/context';
import { navigate } from '../app/router';
import { useSelect } from '../state/store';
import type { Channel } from '../api/types';
import { SidePanel } from '../messages/SidePanel';
import { describe } from '../auth/AuthScreen';
import { threadsOf } from './threads';
import { FormError } from '../ui/FormError';

/** A text channel's active threads, and a new thread. */
export function ThreadsPanel({ channel, onClose }: { channel: Channel; onClose: () => void }) {
  const client = useClient();
  const threads = useSelect((s) => threadsOf(s, channel.id));
  const [name, setName] = useState('');
  const [error, setError] = useState<string | null>(null);
  async function create(e: FormEvent) {
    e.preventDefault();
    try {
      const thread = await client.rest.post<Channel>(`/channels/${channel.id}/threads`, { name: name.trim(), type: 11 });
      setName('');
      navigate(`/channels/${channel.guild_id}/${thread.id}`);
    } catch (err) {
      setError(describe(err));
    }
  }
  return (
    <SidePanel title="Threads" onClose={onClose}>
      <form className="stack" onSubmit={create}>
        <label>
          New thread
          <input name="thread-name" value={name} onChange={(e) => setName(e.target.value)} maxLength={100} required />
        </label>
        <button type="submit" className="primary">
          Create thread
        </button>
      </form>
      <FormError error={error} />
      <ul role="list" className="thread-list">
        {threads.map((t) => (
          <li key={t.id}>
            <button className="channel" onClick={() => navigate(`/channels/${channel.guild_id}/${t.id}`)}>
              🧵 {t.name}
              {t.message_count !== undefined && <span className="muted"> · {t.message_count} messages</span>}
            </button>
          </li>
        ))}
        {threads.length === 0 && <li className="muted">No active threads.</li>}
      </ul>
    </SidePanel>
  );
}
