import { useState } from 'react';
import { useClient } from '../app/context';
import { useSelect } from '../state/store';
import type { Overwrite } from '../api/types';
import { PERMISSIONS } from './permissionNames';
import { describe } from '../auth/AuthScreen';

type Choice = 'allow' | 'inherit' | 'deny';

/** A channel's permission overwrites for one role: allow, inherit or deny each permission. */
export function ChannelPermissionsTab({ guild }: { guild: string }) {
  const client = useClient();
  const channels = useSelect((s) =>
    (s.guildChannels[guild] ?? []).map((id) => s.channels[id]).filter((c) => c && c.type !== 11 && c.type !== 12 && c.type !== 10),
  );
  const roles = useSelect((s) => [...(s.guilds[guild]?.roles ?? [])].sort((a, b) => b.position - a.position));
  const [channelId, setChannelId] = useState(channels[0]?.id ?? '');
  const [roleId, setRoleId] = useState(guild);
  const [notice, setNotice] = useState<string | null>(null);
  const channel = channels.find((c) => c.id === channelId);
  const existing = channel?.permission_overwrites?.find((o) => o.id === roleId);
  const [draft, setDraft] = useState<Overwrite | null>(null);
  const current = draft && draft.id === roleId ? draft : (existing ?? { id: roleId, type: 0 as const, allow: '0', deny: '0' });
  const choice = (bit: bigint): Choice =>
    BigInt(current.allow) & bit ? 'allow' : BigInt(current.deny) & bit ? 'deny' : 'inherit';
  const set = (bit: bigint, value: Choice) => {
    let allow = BigInt(current.allow) & ~bit;
    let deny = BigInt(current.deny) & ~bit;
    if (value === 'allow') allow |= bit;
    if (value === 'deny') deny |= bit;
    setDraft({ ...current, allow: allow.toString(), deny: deny.toString() });
  };
  const save = () =>
    client.rest
      .put(`/channels/${channelId}/permissions/${roleId}`, { type: 0, allow: current.allow, deny: current.deny })
      .then(() => setNotice('Permissions saved.'), (e) => setNotice(describe(e)));
  const clear = () =>
    client.rest.delete(`/channels/${channelId}/permissions/${roleId}`).then(() => {
      setDraft(null);
      setNotice('Overwrite removed.');
    }, (e) => setNotice(describe(e)));
  return (
    <div className="stack">
      <div className="row">
        <label>
          Channel
          <select value={channelId} onChange={(e) => { setChannelId(e.target.value); setDraft(null); }}>
            {channels.map((c) => (
              <option key={c.id} value={c.id}>
                {c.name}
              </option>
            ))}
          </select>
        </label>
        <label>
          Role
          <select value={roleId} onChange={(e) => { setRoleId(e.target.value); setDraft(null); }}>
            {roles.map((r) => (
              <option key={r.id} value={r.id}>
                {r.id === guild ? '@everyone' : r.name}
              </option>
            ))}
          </select>
        </label>
      </div>
      <table className="overwrites">
        <thead>
          <tr>
            <th scope="col">Permission</th>
            <th scope="col">Deny</th>
            <th scope="col">Inherit</th>
            <th scope="col">Allow</th>
          </tr>
        </thead>
        <tbody>
          {PERMISSIONS.filter((p) => p.bit !== 1n << 3n).map((p) => (
            <tr key={p.label}>
              <th scope="row">{p.label}</th>
              {(['deny', 'inherit', 'allow'] as Choice[]).map((c) => (
                <td key={c}>
                  <input
                    type="radio"
                    name={`perm-${p.label}`}
                    aria-label={`${p.label}: ${c}`}
                    checked={choice(p.bit) === c}
                    onChange={() => set(p.bit, c)}
                  />
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
      <div className="row">
        <button className="primary" onClick={() => void save()}>
          Save permissions
        </button>
        {existing && <button onClick={() => void clear()}>Remove overwrite</button>}
      </div>
      {notice && <p role="status">{notice}</p>}
    </div>
  );
}
