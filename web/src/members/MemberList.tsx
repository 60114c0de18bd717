import { useEffect, useState } from 'react';
import { useClient } from '../app/context';
import { useSelect } from '../state/store';
import { colorCss, memberName, rolesOf } from '../state/select';
import { channelPermissions } from '../state/permissions';
import type { Member, Status, User } from '../api/types';
import type { State } from '../state/state';
import { Avatar } from '../ui/Avatar';
import { ProfileCard } from '../user/ProfileCard';

interface Row {
  id: string;
  user?: User;
  name: string;
  color?: string;
  status: Status;
  activity?: string;
  bot?: boolean;
}

/** Who can see the channel: online members under their highest hoisted role (else
 * "Online"), then everyone offline; names in their role's colour. */
export function MemberList({ guild, channel }: { guild: string; channel: string }) {
  const client = useClient();
  const groups = useSelect((s) => groupMembers(s, guild, channel));
  const [profile, setProfile] = useState<string | null>(null);
  useEffect(() => {
    // GUILD_CREATE carries the online members; ask for everyone (op 8) once per guild.
    client.sendGateway(8, { guild_id: guild, query: '', limit: 0, presences: true });
  }, [client, guild]);
  return (
    <div className="member-list">
      {groups.map((g) => (
        <section key={g.title} aria-label={`${g.title}, ${g.rows.length}`}>
          <h3 className="category">
            {g.title} — {g.rows.length}
          </h3>
          <ul role="list">
            {g.rows.map((r) => (
              <li key={r.id}>
                <button className={`member${r.status === 'offline' ? ' offline' : ''}`} onClick={() => setProfile(r.id)}>
                  <Avatar user={r.user ?? { id: r.id, username: r.name }} size={32} status={r.status} />
                  <span className="member-text">
                    <span className="member-name" style={{ color: r.color }}>
                      {r.name}
                      {r.bot && <span className="bot-tag">BOT</span>}
                    </span>
                    {r.activity && <span className="activity">{r.activity}</span>}
                  </span>
                </button>
              </li>
            ))}
          </ul>
        </section>
      ))}
      {profile && <ProfileCard user={profile} guild={guild} onClose={() => setProfile(null)} />}
    </div>
  );
}

export function groupMembers(state: State, guild: string, channel: string): { title: string; rows: Row[] }[] {
  const g = state.guilds[guild];
  const c = state.channels[channel];
  if (!g || !c) return [];
  const parent = c.parent_id ? state.channels[c.parent_id] : undefined;
  const members = Object.entries(state.members[guild] ?? {}) as [string, Member][];
  const hoisted = g.roles.filter((r) => r.hoist).sort((a, b) => b.position - a.position);
  const byGroup = new Map<string, Row[]>();
  for (const [id, member] of members) {
    if (channelPermissions(g, member, id, c, parent) === 0n) continue;
    const presence = state.presences[id];
    const status: Status = presence?.status && presence.status !== 'invisible' ? presence.status : 'offline';
    const roles = rolesOf(state, guild, member);
    const custom = presence?.activities?.find((a) => a.type === 4);
    const other = presence?.activities?.find((a) => a.type !== 4);
    const row: Row = {
      id,
      user: state.users[id] ?? member.user,
      name: memberName(state, guild, id),
      color: colorCss(roles.find((r) => r.color)?.color ?? 0),
      status,
      activity: custom ? [custom.emoji?.name, custom.state].filter(Boolean).join(' ') : other?.name,
      bot: state.users[id]?.bot,
    };
    const group = status === 'offline' ? 'Offline' : (hoisted.find((r) => member.roles.includes(r.id))?.name ?? 'Online');
    byGroup.set(group, [...(byGroup.get(group) ?? []), row]);
  }
  const order = [...hoisted.map((r) => r.name), 'Online', 'Offline'];
  return order
    .filter((title) => byGroup.has(title))
    .map((title) => ({ title, rows: (byGroup.get(title) ?? []).sort((a, b) => a.name.localeCompare(b.name)) }));
}
