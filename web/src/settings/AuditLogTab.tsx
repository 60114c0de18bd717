import { useEffect, useState } from 'react';
import { useClient } from '../app/context';
import { displayName } from '../api/rest';
import type { AuditLogEntry, User } from '../api/types';
import { describe } from '../auth/AuthScreen';

const ACTIONS: Record<number, string> = {
  1: 'updated the server', 10: 'created a channel', 11: 'updated a channel', 12: 'deleted a channel',
  13: 'created a permission overwrite', 14: 'updated a permission overwrite', 15: 'deleted a permission overwrite',
  20: 'kicked a member', 22: 'banned a member', 23: 'revoked a ban', 24: 'updated a member', 25: 'changed member roles',
  26: 'moved a member in voice', 27: 'disconnected a member from voice', 30: 'created a role', 31: 'updated a role',
  32: 'deleted a role', 40: 'created an invite', 41: 'updated an invite', 42: 'deleted an invite', 60: 'created an emoji',
  61: 'updated an emoji', 62: 'deleted an emoji', 72: 'deleted a message', 73: 'bulk deleted messages', 74: 'pinned a message',
  75: 'unpinned a message', 83: 'started a stage', 84: 'updated a stage', 85: 'ended a stage', 110: 'created a thread',
  111: 'updated a thread', 112: 'deleted a thread',
};

/** The guild's audit log, newest first, filterable by action. */
export function AuditLogTab({ guild }: { guild: string }) {
  const client = useClient();
  const [entries, setEntries] = useState<AuditLogEntry[]>([]);
  const [users, setUsers] = useState<Record<string, User>>({});
  const [action, setAction] = useState('');
  const [notice, setNotice] = useState<string | null>(null);
  useEffect(() => {
    client.rest
      .get<{ audit_log_entries: AuditLogEntry[]; users: User[] }>(`/guilds/${guild}/audit-logs`, {
        query: { limit: 100, action_type: action || undefined },
      })
      .then(
        (log) => {
          setEntries(log.audit_log_entries);
          setUsers(Object.fromEntries(log.users.map((u) => [u.id, u])));
        },
        (e) => setNotice(describe(e)),
      );
  }, [client, guild, action]);
  return (
    <div className="stack">
      <h3>Audit log</h3>
      <label>
        Action
        <select value={action} onChange={(e) => setAction(e.target.value)}>
          <option value="">All actions</option>
          {Object.entries(ACTIONS).map(([k, v]) => (
            <option key={k} value={k}>
              {v}
            </option>
          ))}
        </select>
      </label>
      <ol role="list" className="audit-log">
        {entries.map((e) => (
          <li key={e.id}>
            <strong>{e.user_id ? displayName(users[e.user_id]) : 'Someone'}</strong> {ACTIONS[e.action_type] ?? `action ${e.action_type}`}
            {e.target_id && users[e.target_id] && <> · {displayName(users[e.target_id])}</>}
            {e.reason && <span className="muted"> — {e.reason}</span>}
            <time className="muted"> {new Date(Number((BigInt(e.id) >> 22n) + 1420070400000n)).toLocaleString()}</time>
          </li>
        ))}
      </ol>
      {entries.length === 0 && <p className="muted">Nothing logged yet.</p>}
      {notice && <p role="status">{notice}</p>}
    </div>
  );
}
