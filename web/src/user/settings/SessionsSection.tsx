import { useEffect, useState } from 'react';
import { useClient } from '../../app/context';
import { describe } from '../../auth/AuthScreen';

interface SessionView {
  id: string;
  created_at: string;
  last_used_at: string;
  current: boolean;
}

/** The account's signed-in sessions; sign one out, or all the others. */
export function SessionsSection() {
  const client = useClient();
  const [sessions, setSessions] = useState<SessionView[]>([]);
  const [notice, setNotice] = useState<string | null>(null);
  const load = () => client.rest.get<SessionView[]>('/auth/sessions').then(setSessions, (e) => setNotice(describe(e)));
  useEffect(() => {
    void load();
  }, []); // eslint-disable-line react-hooks/exhaustive-deps
  const revoke = (id: string) => client.rest.delete(`/auth/sessions/${id}`).then(load, (e) => setNotice(describe(e)));
  return (
    <div className="stack">
      <h3>Sessions</h3>
      <ul className="sessions" role="list">
        {sessions.map((s) => (
          <li key={s.id}>
            <span>
              Signed in {new Date(s.created_at).toLocaleString()} · last active {new Date(s.last_used_at).toLocaleString()}
              {s.current && <strong> (this browser)</strong>}
            </span>
            {!s.current && <button onClick={() => void revoke(s.id)}>Sign out</button>}
          </li>
        ))}
      </ul>
      <button
        onClick={() =>
          void Promise.all(sessions.filter((s) => !s.current).map((s) => client.rest.delete(`/auth/sessions/${s.id}`))).then(load)
        }
      >
        Sign out all other sessions
      </button>
      {notice && <p role="status">{notice}</p>}
    </div>
  );
}
