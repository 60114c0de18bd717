import { useSelect } from '../state/store';
import { memberName } from '../state/select';
import type { Channel } from '../api/types';
import { Avatar } from '../ui/Avatar';
import { useVoice, useVoiceState } from './useVoice';

/** Who is in a voice channel (from the gateway's voice states), under it in the sidebar,
 * with speaking rings while we are in the same channel. */
export function VoiceParticipants({ channel }: { channel: Channel }) {
  const scope = channel.guild_id ?? channel.id;
  const states = useSelect((s) => Object.values(s.voiceStates[scope] ?? {}).filter((v) => v.channel_id === channel.id));
  const names = useSelect((s) => states.map((v) => memberName(s, channel.guild_id, v.user_id)));
  const users = useSelect((s) => states.map((v) => s.users[v.user_id]));
  const voice = useVoice();
  const ui = useVoiceState();
  const here = ui.channel === channel.id;
  const me = useSelect((s) => s.me?.id);
  if (!states.length) return null;
  return (
    <ul className="voice-participants" role="list" aria-label={`In ${channel.name}`}>
      {states.map((v, i) => {
        const speaking = here && (v.user_id === me ? voice.session?.localSpeaking : voice.session?.peers.get(v.user_id)?.speaking);
        return (
          <li key={v.user_id} className={speaking ? 'speaking' : undefined} data-speaking={speaking ? 'true' : 'false'}>
            <Avatar user={users[i] ?? { id: v.user_id, username: names[i] }} size={24} speaking={!!speaking} />
            <span>{names[i]}</span>
            <span className="voice-flags" aria-label="voice status">
              {(v.self_mute || v.mute) && <span title={v.mute ? 'Server muted' : 'Muted'}>🔇</span>}
              {(v.self_deaf || v.deaf) && <span title={v.deaf ? 'Server deafened' : 'Deafened'}>🙉</span>}
              {v.self_video && <span title="Camera on">📹</span>}
              {v.self_stream && <span className="live-tag">LIVE</span>}
            </span>
          </li>
        );
      })}
    </ul>
  );
}
