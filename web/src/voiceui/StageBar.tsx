import { type FormEvent, useState } from 'react';
import { useClient } from '../app/context';
import { useSelect } from '../state/store';
import { memberName, permissionsIn } from '../state/select';
import { P, has } from '../state/permissions';
import type { Channel, VoiceState } from '../api/types';
import { describe } from '../auth/AuthScreen';
import { FormError } from '../ui/FormError';

/** A stage's topic (or a form to open it), the audience, raised hands, and the moderator's
 * "invite to speak" / the audience's "request to speak". */
export function StageBar({ channel, states }: { channel: Channel; states: VoiceState[] }) {
  const client = useClient();
  const instance = useSelect((s) => s.stageInstances[channel.id]);
  const moderator = useSelect((s) => {
    const p = permissionsIn(s, channel);
    return has(p, P.MUTE_MEMBERS) && has(p, P.MOVE_MEMBERS);
  });
  const me = useSelect((s) => s.me?.id);
  const names = useSelect((s) => Object.fromEntries(states.map((v) => [v.user_id, memberName(s, channel.guild_id, v.user_id)])));
  const [topic, setTopic] = useState('');
  const [error, setError] = useState<string | null>(null);
  const mine = states.find((v) => v.user_id === me);
  const audience = states.filter((v) => v.suppress);
  const run = (work: Promise<unknown>) => work.catch((e) => setError(describe(e)));
  const open = (e: FormEvent) => {
    e.preventDefault();
    void run(client.rest.post('/stage-instances', { channel_id: channel.id, topic: topic.trim() }));
  };
  const base = `/guilds/${channel.guild_id}/voice-states`;
  return (
    <div className="stage-bar">
      {instance ? (
        <h3 className="stage-topic">🎙 {instance.topic}</h3>
      ) : moderator ? (
        <form className="row" onSubmit={open}>
          <label>
            Stage topic
            <input value={topic} onChange={(e) => setTopic(e.target.value)} maxLength={120} required />
          </label>
          <button type="submit" className="primary">
            Start stage
          </button>
        </form>
      ) : (
        <p className="muted">This stage is not live.</p>
      )}
      {mine?.suppress && (
        <button
          onClick={() => void run(client.rest.patch(`${base}/@me`, { channel_id: channel.id, request_to_speak_timestamp: new Date().toISOString() }))}
          disabled={!!mine.request_to_speak_timestamp}
        >
          {mine.request_to_speak_timestamp ? 'Hand raised' : 'Request to speak'}
        </button>
      )}
      {mine && !mine.suppress && moderator && (
        <button onClick={() => void run(client.rest.patch(`${base}/@me`, { channel_id: channel.id, suppress: true }))}>Move to audience</button>
      )}
      {audience.length > 0 && (
        <details open>
          <summary>Audience — {audience.length}</summary>
          <ul role="list">
            {audience.map((v) => (
              <li key={v.user_id}>
                {names[v.user_id]} {v.request_to_speak_timestamp && '✋'}
                {moderator && v.user_id !== me && (
                  <button onClick={() => void run(client.rest.patch(`${base}/${v.user_id}`, { channel_id: channel.id, suppress: false }))}>
                    Invite to speak
                  </button>
                )}
              </li>
            ))}
          </ul>
        </details>
      )}
      <FormError error={error} />
    </div>
  );
}
