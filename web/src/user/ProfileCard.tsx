import { useEffect, useState } from 'react';
import { useClient } from '../app/context';
import { navigate } from '../app/router';
import { useSelect } from '../state/store';
import { colorCss, memberName, rolesOf } from '../state/select';
import { displayName } from '../api/rest';
import type { User } from '../api/types';
import { Dialog } from '../ui/Dialog';
import { Avatar } from '../ui/Avatar';
import { Moderation } from './Moderation';

interface Profile {
  user: User & { bio?: string | null };
  user_profile?: { bio?: string | null; pronouns?: string | null };
  mutual_guilds: { id: string }[];
  mutual_friends_count: number;
}

/** A user's profile: name, presence, bio, roles here, mutual servers and friends, message. */
export function ProfileCard({ user, guild, onClose }: { user: string; guild?: string; onClose: () => void }) {
  const client = useClient();
  const [profile, setProfile] = useState<Profile | null>(null);
  const known = useSelect((s) => s.users[user]);
  const name = useSelect((s) => memberName(s, guild, user));
  const status = useSelect((s) => s.presences[user]?.status ?? 'offline');
  const roles = useSelect((s) => {
    const member = guild ? s.members[guild]?.[user] : undefined;
    return guild && member ? rolesOf(s, guild, member).filter((r) => r.id !== guild) : [];
  });
  const me = useSelect((s) => s.me?.id);
  useEffect(() => {
    client.rest.get<Profile>(`/users/${user}/profile`).then(setProfile, () => setProfile(null));
  }, [client, user]);
  const shown = profile?.user ?? known;
  return (
    <Dialog title={`Profile of ${name}`} onClose={onClose}>
      <div className="profile">
        <Avatar user={shown} size={80} status={status} />
        <h3>{name}</h3>
        <p className="muted">{shown ? `${shown.username}${shown.global_name ? ` · ${displayName(shown)}` : ''}` : ''}</p>
        {profile?.user_profile?.bio && <p>{profile.user_profile.bio}</p>}
        {roles.length > 0 && (
          <ul className="role-pills" role="list" aria-label="Roles">
            {roles.map((r) => (
              <li key={r.id} style={{ borderColor: colorCss(r.color) }}>
                {r.name}
              </li>
            ))}
          </ul>
        )}
        {profile && (
          <p className="muted">
            {profile.mutual_guilds.length} mutual servers · {profile.mutual_friends_count} mutual friends
          </p>
        )}
        {guild && user !== me && <Moderation guild={guild} user={user} name={name} />}
        {user !== me && (
          <button className="primary" onClick={() => void client.openDm(user).then((c) => { onClose(); navigate(`/channels/@me/${c.id}`); })}>
            Message
          </button>
        )}
      </div>
    </Dialog>
  );
}
