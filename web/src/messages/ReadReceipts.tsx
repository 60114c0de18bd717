import { useEffect } from 'react';
import { useClient } from '../app/context';
import { useSelect } from '../state/store';
import { memberName } from '../state/select';
import type { Channel } from '../api/types';

/** In a DM or group chat: who has read the latest message (among those who share read
 * receipts), kept live by CHANNEL_READ_RECEIPT. */
export function ReadReceipts({ channel }: { channel: Channel }) {
  const client = useClient();
  const last = useSelect((s) => s.messages[channel.id]?.list.at(-1));
  const readers = useSelect((s) => {
    if (!last) return [];
    const receipts = s.receipts[channel.id] ?? {};
    return Object.entries(receipts)
      .filter(([user, read]) => user !== s.me?.id && user !== last.author.id && BigInt(read) >= BigInt(last.id))
      .map(([user]) => memberName(s, null, user));
  });
  useEffect(() => {
    client.rest.get<{ user_id: string; last_message_id: string | null }[]>(`/channels/${channel.id}/read-receipts`).then(
      (list) =>
        client.store.update((s) => ({
          ...s,
          receipts: {
            ...s.receipts,
            [channel.id]: Object.fromEntries(list.filter((r) => r.last_message_id).map((r) => [r.user_id, r.last_message_id as string])),
          },
        })),
      () => undefined,
    );
  }, [client, channel.id]);
  if (!readers.length) return null;
  return (
    <p className="read-receipts muted" role="status">
      Seen by {readers.join(', ')}
    </p>
  );
}
