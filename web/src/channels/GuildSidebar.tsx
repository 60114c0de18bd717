import { Suspense, lazy, useState } from 'react';
import { navigate } from '../app/router';
import { useSelect } from '../state/store';
import { channelTree, permissionsIn, unread } from '../state/select';
import { P, has, guildPermissions } from '../state/permissions';
import type { Channel } from '../api/types';
import { InviteDialog } from '../guilds/InviteDialog';
import { CreateChannelDialog } from './CreateChannelDialog';
import { VoiceParticipants } from '../voiceui/VoiceParticipants';
import { useVoice } from '../voiceui/useVoice';

const GuildSettings = lazy(() => import('../settings/GuildSettings').then((m) => ({ default: m.GuildSettings })));

const ICONS: Record<number, string> = { 0: '#', 2: '🔊', 5: '📢', 13: '🎙', 15: '💬' };

/** The guild's name with its menu, and its channels by category. */
export function GuildSidebar({ guild, current }: { guild: string; current?: string }) {
  const name = useSelect((s) => s.guilds[guild]?.name ?? '');
  const tree = useSelect((s) => channelTree(s, guild));
  const perms = useSelect((s) => {
    const g = s.guilds[guild];
    return g && s.me ? guildPermissions(g, s.members[guild]?.[s.me.id], s.me.id) : 0n;
  });
  const [menu, setMenu] = useState(false);
  const [dialog, setDialog] = useState<'invite' | 'channel' | 'settings' | null>(null);
  const inviteChannel = current ?? tree.flatMap((g) => g.channels)[0]?.id;
  return (
    <div className="guild-sidebar">
      <header className="sidebar-header">
        <button
          className="guild-name"
          aria-label={`${name} server menu`}
          aria-expanded={menu}
          aria-haspopup="menu"
          onClick={() => setMenu((m) => !m)}
        >
          <span>{name}</span> <span aria-hidden="true">▾</span>
        </button>
        {menu && (
          <ul className="menu" role="menu" onClick={() => setMenu(false)}>
            <li role="none">
              <button role="menuitem" onClick={() => setDialog('invite')}>
                Invite people
              </button>
            </li>
            {has(perms, P.MANAGE_CHANNELS) && (
              <li role="none">
                <button role="menuitem" onClick={() => setDialog('channel')}>
                  Create channel
                </button>
              </li>
            )}
            {(has(perms, P.MANAGE_GUILD) || has(perms, P.MANAGE_ROLES) || has(perms, P.BAN_MEMBERS) || has(perms, P.VIEW_AUDIT_LOG)) && (
              <li role="none">
                <button role="menuitem" onClick={() => setDialog('settings')}>
                  Server settings
                </button>
              </li>
            )}
          </ul>
        )}
      </header>
      <div className="channel-scroll">
        {tree.map((group) => (
          <section key={group.category?.id ?? 'none'} aria-label={group.category?.name ?? 'Channels'}>
            {group.category && <h3 className="category">{group.category.name}</h3>}
            <ul className="channel-list" role="list">
              {group.channels.map((c) => (
                <ChannelRow key={c.id} channel={c} active={c.id === current} />
              ))}
            </ul>
          </section>
        ))}
      </div>
      {dialog === 'invite' && inviteChannel && <InviteDialog channel={inviteChannel} onClose={() => setDialog(null)} />}
      {dialog === 'channel' && <CreateChannelDialog guild={guild} onClose={() => setDialog(null)} />}
      {dialog === 'settings' && (
        <Suspense fallback={null}>
          <GuildSettings guild={guild} onClose={() => setDialog(null)} />
        </Suspense>
      )}
    </div>
  );
}

function ChannelRow({ channel, active }: { channel: Channel; active: boolean }) {
  const badge = useSelect((s) => unread(s, channel));
  const canConnect = useSelect((s) => has(permissionsIn(s, channel), P.CONNECT));
  const voice = useVoice();
  const isVoice = channel.type === 2 || channel.type === 13;
  const open = () => {
    if (isVoice) {
      if (canConnect) void voice.join(channel.guild_id ?? null, channel.id);
      navigate(`/channels/${channel.guild_id}/${channel.id}`);
    } else {
      navigate(`/channels/${channel.guild_id}/${channel.id}`);
    }
  };
  return (
    <li>
      <button
        className={`channel${active ? ' active' : ''}${badge.unread && !isVoice ? ' unread' : ''}`}
        aria-current={active ? 'page' : undefined}
        aria-label={`${channel.name}${isVoice ? ' (voice)' : ''}${badge.mentions ? `, ${badge.mentions} mentions` : ''}${badge.unread && !isVoice ? ', unread' : ''}`}
        onClick={open}
      >
        <span className="channel-icon" aria-hidden="true">
          {ICONS[channel.type] ?? '#'}
        </span>
        <span className="channel-name">{channel.name}</span>
        {badge.mentions > 0 && <span className="badge">{badge.mentions}</span>}
      </button>
      {isVoice && <VoiceParticipants channel={channel} />}
    </li>
  );
}
