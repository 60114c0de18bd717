import { useEffect, useState } from 'react';
import { useClient } from '../app/context';
import type { Channel, Message } from '../api/types';
import { SidePanel } from './SidePanel';
import { MessageSummary } from './MessageSummary';
import { describe } from '../auth/AuthScreen';
import { FormError } from '../ui/FormError';

export function PinsPanel({ channel, onClose }: { channel: Channel; onClose: () => void }) {
  const client = useClient();
  const [pins, setPins] = useState<Message[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    const load = () => client.rest.get<Message[]>(`/channels/${channel.id}/pins`).then(setPins, (e) => setError(describe(e)));
    void load();
    return client.onDispatch((e) => e.t === 'CHANNEL_PINS_UPDATE' && e.d.channel_id === channel.id && void load());
  }, [client, channel.id]);
  return (
    <SidePanel title="Pinned messages" onClose={onClose}>
      <FormError error={error} />
      {pins?.length === 0 && <p className="muted">No pinned messages yet.</p>}
      <ul role="list" className="summary-list">
        {(pins ?? []).map((m) => (
          <MessageSummary key={m.id} message={m} guild={channel.guild_id} />
        ))}
      </ul>
    </SidePanel>
  );
}
