import { useEffect, useState } from 'react';
import { useClient } from '../app/context';
import type { Message } from '../api/types';
import { Dialog } from '../ui/Dialog';
import { Markdown } from '../markdown/Markdown';
import { describe } from '../auth/AuthScreen';
import { FormError } from '../ui/FormError';

interface Version {
  version: number;
  content: string;
  /** When this version was written. */
  timestamp: string;
}

/** A message's earlier versions, oldest first, from `GET .../messages/{id}/history`. */
export function EditHistory({ channel, message, onClose }: { channel: string; message: Message; onClose: () => void }) {
  const client = useClient();
  const [versions, setVersions] = useState<Version[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    client.rest.get<Version[]>(`/channels/${channel}/messages/${message.id}/history`).then(
      setVersions,
      (e) => setError(describe(e)),
    );
  }, [client, channel, message.id]);
  return (
    <Dialog title="Edit history" onClose={onClose}>
      <FormError error={error} />
      <ol className="edit-history" role="list">
        {(versions ?? []).map((v) => (
          <li key={v.version}>
            <time className="muted">{new Date(v.timestamp).toLocaleString()}</time>
            <Markdown content={v.content} />
          </li>
        ))}
        <li>
          <time className="muted">{new Date(message.edited_timestamp ?? message.timestamp).toLocaleString()} (now)</time>
          <Markdown content={message.content} />
        </li>
      </ol>
    </Dialog>
  );
}
