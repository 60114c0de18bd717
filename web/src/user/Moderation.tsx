import { useState } from 'react';
import { useClient } from '../app/context';
import { useSelect } from '../state/store';
import { P, guildPermissions, has } from '../state/permissions';
import { describe } from '../auth/AuthScreen';

/** What a moderator may do to a member: time out, kick, ban (with a reason for the audit
 * log). The server checks the role hierarchy again. */
export function Moderation({ guild, user, name }: { guild: string; user: string; name: string }) {
  const client = useClient();
  const perms = useSelect((s) => {
    const g = s.guilds[guild];
    return g && s.me ? guildPermissions(g, s.members[guild]?.[s.me.id], s.me.id) : 0n;
  });
  const [reason, setReason] = useState('');
  const [notice, setNotice] = useState<string | null>(null);
  const can = { timeout: has(perms, P.MODERATE_MEMBERS), kick: has(perms, P.KICK_MEMBERS), ban: has(perms, P.BAN_MEMBERS) };
  if (!can.timeout && !can.kick && !can.ban) return null;
  const run = (work: Promise<unknown>, done: string) => work.then(() => setNotice(done), (e) => setNotice(describe(e)));
  const options = { reason: reason.trim() || undefined };
  return (
    <div className="stack moderation">
      <label>
        Reason (for the audit log)
        <input value={reason} onChange={(e) => setReason(e.target.value)} maxLength={512} />
      </label>
      <div className="row">
        {can.timeout && (
          <button
            onClick={() =>
              void run(
                client.rest.patch(`/guilds/${guild}/members/${user}`, { communication_disabled_until: new Date(Date.now() + 3600_000).toISOString() }, options),
                `${name} is timed out for an hour.`,
              )
            }
          >
            Time out 1 h
          </button>
        )}
        {can.kick && (
          <button className="danger" onClick={() => confirm(`Kick ${name}?`) && void run(client.rest.delete(`/guilds/${guild}/members/${user}`, options), `${name} was kicked.`)}>
            Kick
          </button>
        )}
        {can.ban && (
          <button className="danger" onClick={() => confirm(`Ban ${name}?`) && void run(client.rest.put(`/guilds/${guild}/bans/${user}`, {}, options), `${name} was banned.`)}>
            Ban
          </button>
        )}
      </div>
      {notice && <p role="status">{notice}</p>}
    </div>
  );
}
