import { useEffect, useState } from 'react';
import { useClient } from '../app/context';
import { Dialog } from '../ui/Dialog';
import { describe } from '../auth/AuthScreen';
import { FormError } from '../ui/FormError';

/** Creates an invite to `channel` and shows its link to copy. */
export function InviteDialog({ channel, onClose }: { channel: string; onClose: () => void }) {
  const client = useClient();
  const [link, setLink] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [copied, setCopied] = useState(false);
  useEffect(() => {
    client.createInvite(channel, { max_age: 7 * 86400 }).then(
      (invite) => setLink(`${location.origin}/invite/${invite.code}`),
      (e) => setError(describe(e)),
    );
  }, [client, channel]);
  return (
    <Dialog title="Invite people" onClose={onClose}>
      {link && (
        <div className="stack">
          <label>
            Send this link to a friend (valid for 7 days)
            <input name="invite-link" value={link} readOnly onFocus={(e) => e.target.select()} />
          </label>
          <button
            className="primary"
            onClick={() => navigator.clipboard?.writeText(link).then(() => setCopied(true), () => undefined)}
          >
            {copied ? 'Copied' : 'Copy'}
          </button>
        </div>
      )}
      <FormError error={error} />
    </Dialog>
  );
}
