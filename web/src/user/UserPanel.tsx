import { useState } from 'react';
import { useClient } from '../app/context';
import { navigate } from '../app/router';
import { useSelect } from '../state/store';
import { displayName } from '../api/rest';
import type { Status } from '../api/types';
import { Avatar } from '../ui/Avatar';
import { VoiceControls } from '../voiceui/VoiceControls';

const STATUSES: { value: Status; label: string }[] = [
  { value: 'online', label: 'Online' },
  { value: 'idle', label: 'Idle' },
  { value: 'dnd', label: 'Do not disturb' },
  { value: 'invisible', label: 'Invisible' },
];

/** The signed-in user at the sidebar's foot: voice controls, presence, settings. */
export function UserPanel() {
  const client = useClient();
  const me = useSelect((s) => s.me);
  const status = useSelect((s) => (s.me ? (s.presences[s.me.id]?.status ?? 'online') : 'online'));
  const [open, setOpen] = useState(false);
  const setStatus = (value: Status) => {
    setOpen(false);
    void client.rest.patch('/users/@me/settings', { status: value });
  };
  return (
    <div className="user-panel">
      <VoiceControls />
      <div className="user-row">
        <button className="user-status" aria-haspopup="menu" aria-expanded={open} aria-label={`Status: ${status}`} onClick={() => setOpen((o) => !o)}>
          <Avatar user={me} size={32} status={status} />
          <span className="user-name">{displayName(me)}</span>
        </button>
        <button className="icon" aria-label="User settings" onClick={() => navigate('/settings/account')}>
          ⚙
        </button>
      </div>
      {open && (
        <ul className="menu up" role="menu">
          {STATUSES.map((s) => (
            <li role="none" key={s.value}>
              <button role="menuitemradio" aria-checked={status === s.value} onClick={() => setStatus(s.value)}>
                <span className={`presence-dot inline ${s.value === 'invisible' ? 'offline' : s.value}`} /> {s.label}
              </button>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
