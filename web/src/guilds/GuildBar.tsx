import { useState } from 'react';
import { navigate } from '../app/router';
import { useSelect } from '../state/store';
import { unread } from '../state/select';
import type { State } from '../state/state';
import { AddGuildDialog } from './AddGuildDialog';

/** Home, then each guild with its unread dot and mention badge, then "add a server". */
export function GuildBar({ current }: { current: string }) {
  const guilds = useSelect((s) => s.guildOrder.filter((id) => s.guilds[id]).map((id) => guildBadge(s, id)));
  const home = useSelect((s) => s.privateChannels.reduce((n, id) => n + (s.channels[id] ? unread(s, s.channels[id]).mentions : 0), 0));
  const [adding, setAdding] = useState(false);
  return (
    <ul className="guild-list" role="list">
      <li>
        <button
          className={`guild-icon home${current === '@me' ? ' active' : ''}`}
          aria-label="Direct messages"
          aria-current={current === '@me' ? 'page' : undefined}
          onClick={() => navigate('/channels/@me')}
        >
          ✦{home > 0 && <span className="badge">{home}</span>}
        </button>
      </li>
      {guilds.map((g) => (
        <li key={g.id}>
          <button
            className={`guild-icon${current === g.id ? ' active' : ''}${g.unread ? ' unread' : ''}`}
            aria-label={`${g.name}${g.mentions ? `, ${g.mentions} mentions` : ''}${g.unread ? ', unread' : ''}`}
            aria-current={current === g.id ? 'page' : undefined}
            title={g.name}
            onClick={() => navigate(`/channels/${g.id}`)}
          >
            {g.icon ? <img src={`/icons/${g.id}/${g.icon}.png?size=96`} alt="" /> : initials(g.name)}
            {g.mentions > 0 && <span className="badge">{g.mentions}</span>}
          </button>
        </li>
      ))}
      <li>
        <button className="guild-icon add" aria-label="Add a server" onClick={() => setAdding(true)}>
          +
        </button>
      </li>
      {adding && <AddGuildDialog onClose={() => setAdding(false)} />}
    </ul>
  );
}

function guildBadge(state: State, id: string) {
  const guild = state.guilds[id];
  let mentions = 0;
  let isUnread = false;
  for (const channelId of state.guildChannels[id] ?? []) {
    const channel = state.channels[channelId];
    if (!channel || (channel.type !== 0 && channel.type !== 5 && channel.type < 10)) continue;
    const u = unread(state, channel);
    mentions += u.mentions;
    isUnread ||= u.unread;
  }
  return { id, name: guild.name, icon: guild.icon, mentions, unread: isUnread };
}

export function initials(name: string): string {
  return name
    .split(/\s+/)
    .filter(Boolean)
    .slice(0, 3)
    .map((w) => w[0])
    .join('');
}
