import { Suspense, lazy, useEffect, useState } from 'react';
import type { Route } from './router';
import { navigate } from './router';
import { useSelect } from '../state/store';
import { GuildBar } from '../guilds/GuildBar';
import { GuildSidebar } from '../channels/GuildSidebar';
import { HomeSidebar } from '../channels/HomeSidebar';
import { ChannelView } from '../messages/ChannelView';
import { MemberList } from '../members/MemberList';
import { UserPanel } from '../user/UserPanel';
import { OfflineBanner } from './OfflineBanner';
import { InviteScreen } from '../guilds/InviteScreen';
import { Friends } from '../channels/Friends';
import { useNotifications } from '../user/notifications';

const UserSettings = lazy(() => import('../user/UserSettings').then((m) => ({ default: m.UserSettings })));

/** The signed-in layout: guilds, the guild's (or home's) channels, the open channel, members. */
export function Shell({ route }: { route: Route }) {
  const status = useSelect((s) => s.status);
  const ready = useSelect((s) => s.me !== null);
  const [showMembers, setShowMembers] = useState(true);
  const [navOpen, setNavOpen] = useState(false);
  useNotifications();
  const guild = route.page === 'channels' && route.guild !== '@me' ? route.guild : undefined;
  const channel = route.page === 'channels' ? route.channel : undefined;
  const firstChannel = useSelect((s) => (guild && !channel ? firstTextChannel(s, guild) : undefined));

  useEffect(() => {
    if (guild && !channel && firstChannel) navigate(`/channels/${guild}/${firstChannel}`, true);
  }, [guild, channel, firstChannel]);
  useEffect(() => setNavOpen(false), [guild, channel]);

  if (route.page === 'invite' && route.invite) return <InviteScreen code={route.invite} />;
  if (!ready) {
    return (
      <div className="loading" role="status">
        <OfflineBanner status={status} />
        Connecting…
      </div>
    );
  }
  return (
    <div className={`shell${navOpen ? ' nav-open' : ''}`}>
      <OfflineBanner status={status} />
      <button className="nav-toggle" aria-label="Open navigation" onClick={() => setNavOpen((o) => !o)}>
        ☰
      </button>
      <nav className="guild-bar" aria-label="Servers">
        <GuildBar current={guild ?? '@me'} />
      </nav>
      <aside className="sidebar" aria-label={guild ? 'Channels' : 'Direct messages'}>
        {guild ? <GuildSidebar guild={guild} current={channel} /> : <HomeSidebar current={channel} />}
        <UserPanel />
      </aside>
      <main className="main-content">
        {channel ? (
          <ChannelView channel={channel} showMembers={showMembers} onToggleMembers={() => setShowMembers((m) => !m)} />
        ) : guild ? (
          <div className="empty">No text channel you can see here yet.</div>
        ) : (
          <Friends />
        )}
      </main>
      {guild && channel && showMembers && (
        <aside className="members" aria-label="Members">
          <MemberList guild={guild} channel={channel} />
        </aside>
      )}
      {route.page === 'settings' && (
        <Suspense fallback={null}>
          <UserSettings section={route.section} onClose={() => history.back()} />
        </Suspense>
      )}
    </div>
  );
}

function firstTextChannel(state: import('../state/state').State, guild: string): string | undefined {
  const ids = state.guildChannels[guild] ?? [];
  const text = ids.map((id) => state.channels[id]).filter((c) => c && (c.type === 0 || c.type === 5));
  text.sort((a, b) => (a.position ?? 0) - (b.position ?? 0));
  return text[0]?.id;
}
