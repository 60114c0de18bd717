import { navigate } from '../app/router';
import { useSelect } from '../state/store';
import { privateName, unread } from '../state/select';
import { Avatar } from '../ui/Avatar';
import { useState } from 'react';
import { NewGroupDialog } from './NewGroupDialog';

/** Home: friends, then direct messages and group chats, most recent first. */
export function HomeSidebar({ current }: { current?: string }) {
  const channels = useSelect((s) =>
    s.privateChannels
      .map((id) => s.channels[id])
      .filter(Boolean)
      .sort((a, b) => (BigInt(b.last_message_id ?? b.id) > BigInt(a.last_message_id ?? a.id) ? 1 : -1)),
  );
  const labels = useSelect((s) => channels.map((c) => privateName(s, c)));
  const badges = useSelect((s) => channels.map((c) => unread(s, c)));
  const others = useSelect((s) => channels.map((c) => (c.recipients ?? []).find((u) => u.id !== s.me?.id)));
  const [grouping, setGrouping] = useState(false);
  const statuses = useSelect((s) => others.map((u) => (u ? (s.presences[u.id]?.status ?? 'offline') : undefined)));
  return (
    <div className="guild-sidebar">
      <header className="sidebar-header">
        <button className={`guild-name${current ? '' : ' active'}`} onClick={() => navigate('/channels/@me')}>
          Friends
        </button>
      </header>
      <div className="channel-scroll">
        <h3 className="category">
          Direct messages
          <button className="icon" aria-label="New group chat" onClick={() => setGrouping(true)}>
            +
          </button>
        </h3>
        <ul className="channel-list" role="list">
          {channels.map((c, i) => (
            <li key={c.id}>
              <button
                className={`channel dm${c.id === current ? ' active' : ''}${badges[i].unread ? ' unread' : ''}`}
                aria-current={c.id === current ? 'page' : undefined}
                aria-label={`${labels[i]}${badges[i].mentions ? `, ${badges[i].mentions} unread` : ''}`}
                onClick={() => navigate(`/channels/@me/${c.id}`)}
              >
                <Avatar user={c.type === 1 ? others[i] : null} size={28} status={c.type === 1 ? statuses[i] : undefined} />
                <span className="channel-name">{labels[i]}</span>
                {badges[i].mentions > 0 && <span className="badge">{badges[i].mentions}</span>}
              </button>
            </li>
          ))}
        </ul>
      </div>
      {grouping && <NewGroupDialog onClose={() => setGrouping(false)} />}
    </div>
  );
}
