import { type FormEvent, useState } from 'react';
import { useClient } from '../app/context';
import { navigate } from '../app/router';
import { useSelect } from '../state/store';
import { displayName } from '../api/rest';
import type { Channel } from '../api/types';
import { Dialog } from '../ui/Dialog';
import { describe } from '../auth/AuthScreen';
import { FormError } from '../ui/FormError';

/** A group chat with friends (up to nine others). */
export function NewGroupDialog({ onClose }: { onClose: () => void }) {
  const client = useClient();
  const friends = useSelect((s) => Object.values(s.relationships).filter((r) => r.type === 1));
  const [chosen, setChosen] = useState<string[]>([]);
  const [error, setError] = useState<string | null>(null);
  async function create(e: FormEvent) {
    e.preventDefault();
    try {
      const channel = await client.rest.post<Channel>('/users/@me/channels', { recipients: chosen });
      onClose();
      navigate(`/channels/@me/${channel.id}`);
    } catch (err) {
      setError(describe(err));
    }
  }
  return (
    <Dialog title="New group chat" onClose={onClose}>
      <form className="stack" onSubmit={create}>
        {friends.length === 0 && <p className="muted">Add friends first to start a group with them.</p>}
        <fieldset className="choices">
          <legend>Friends</legend>
          {friends.map((f) => (
            <label key={f.id} className="choice">
              <input
                type="checkbox"
                checked={chosen.includes(f.id)}
                disabled={!chosen.includes(f.id) && chosen.length >= 9}
                onChange={(e) => setChosen((c) => (e.target.checked ? [...c, f.id] : c.filter((id) => id !== f.id)))}
              />
              {displayName(f.user)}
            </label>
          ))}
        </fieldset>
        <FormError error={error} />
        <button type="submit" className="primary" disabled={chosen.length === 0}>
          Create group
        </button>
      </form>
    </Dialog>
  );
}
