import { type FormEvent, useState } from 'react';
import { useClient } from '../app/context';
import { navigate } from '../app/router';
import { Dialog } from '../ui/Dialog';
import { describe } from '../auth/AuthScreen';
import { FormError } from '../ui/FormError';

/** Create a server, or join one by invite link or code. */
export function AddGuildDialog({ onClose }: { onClose: () => void }) {
  const client = useClient();
  const [name, setName] = useState('');
  const [invite, setInvite] = useState('');
  const [error, setError] = useState<string | null>(null);

  async function create(e: FormEvent) {
    e.preventDefault();
    try {
      const guild = await client.createGuild(name.trim());
      onClose();
      navigate(`/channels/${guild.id}`);
    } catch (err) {
      setError(describe(err));
    }
  }

  async function join(e: FormEvent) {
    e.preventDefault();
    try {
      const joined = await client.acceptInvite(inviteCode(invite));
      onClose();
      navigate(`/channels/${joined.guild?.id ?? '@me'}${joined.channel ? `/${joined.channel.id}` : ''}`);
    } catch (err) {
      setError(describe(err));
    }
  }

  return (
    <Dialog title="Add a server" onClose={onClose}>
      <form onSubmit={create} className="stack">
        <label>
          Server name
          <input name="guild-name" value={name} onChange={(e) => setName(e.target.value)} maxLength={100} required />
        </label>
        <button type="submit" className="primary">
          Create
        </button>
      </form>
      <hr />
      <form onSubmit={join} className="stack">
        <label>
          Invite link or code
          <input name="invite" value={invite} onChange={(e) => setInvite(e.target.value)} placeholder="https://…/invite/abc123" required />
        </label>
        <button type="submit">Join</button>
      </form>
      <FormError error={error} />
    </Dialog>
  );
}

/** The code of an invite link (`…/invite/CODE`), or the text as given. */
export function inviteCode(text: string): string {
  const trimmed = text.trim();
  const match = trimmed.match(/\/invite\/([A-Za-z0-9-]+)\/?$/);
  return match ? match[1] : trimmed;
}
