import { type FormEvent, useState } from 'react';
import { useClient } from '../app/context';
import { navigate } from '../app/router';
import type { Channel } from '../api/types';
import { Dialog } from '../ui/Dialog';
import { describe } from '../auth/AuthScreen';
import { FormError } from '../ui/FormError';

const KINDS = [
  { type: 0, label: 'Text' },
  { type: 2, label: 'Voice' },
  { type: 15, label: 'Forum' },
  { type: 13, label: 'Stage' },
  { type: 4, label: 'Category' },
];

export function CreateChannelDialog({ guild, onClose }: { guild: string; onClose: () => void }) {
  const client = useClient();
  const [name, setName] = useState('');
  const [type, setType] = useState(0);
  const [error, setError] = useState<string | null>(null);
  async function submit(e: FormEvent) {
    e.preventDefault();
    try {
      const channel = await client.rest.post<Channel>(`/guilds/${guild}/channels`, { name: name.trim(), type });
      onClose();
      if (type !== 4) navigate(`/channels/${guild}/${channel.id}`);
    } catch (err) {
      setError(describe(err));
    }
  }
  return (
    <Dialog title="Create channel" onClose={onClose}>
      <form className="stack" onSubmit={submit}>
        <fieldset className="choices">
          <legend>Channel type</legend>
          {KINDS.map((k) => (
            <label key={k.type} className="choice">
              <input type="radio" name="type" checked={type === k.type} onChange={() => setType(k.type)} /> {k.label}
            </label>
          ))}
        </fieldset>
        <label>
          Channel name
          <input name="channel-name" value={name} onChange={(e) => setName(e.target.value)} maxLength={100} required />
        </label>
        <FormError error={error} />
        <button type="submit" className="primary">
          Create
        </button>
      </form>
    </Dialog>
  );
}
