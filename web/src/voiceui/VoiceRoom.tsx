import { useEffect, useRef, useState } from 'react';
import { useSelect } from '../state/store';
import { memberName, permissionsIn } from '../state/select';
import { P, has } from '../state/permissions';
import type { Channel, VoiceState } from '../api/types';
import type { Tier } from '../voice';
import { Avatar } from '../ui/Avatar';
import { useVoice, useVoiceState } from './useVoice';
import { StageBar } from './StageBar';

const TIERS: Tier[] = ['1080p30', '720p30', '480p24'];

/** A voice or stage channel's room: a tile per participant (camera video or avatar with a
 * speaking ring), live streams to watch at a chosen quality, and stage controls. */
export function VoiceRoom({ channel }: { channel: Channel }) {
  const voice = useVoice();
  const ui = useVoiceState();
  const scope = channel.guild_id ?? channel.id;
  const states = useSelect((s) => Object.values(s.voiceStates[scope] ?? {}).filter((v) => v.channel_id === channel.id));
  const canConnect = useSelect((s) => has(permissionsIn(s, channel), P.CONNECT));
  const here = ui.channel === channel.id && ui.status !== 'idle';
  return (
    <section className="voice-room" aria-label="Voice room">
      {channel.type === 13 && <StageBar channel={channel} states={states} />}
      <ul className="voice-grid" role="list" aria-label="Participants">
        {(channel.type === 13 ? states.filter((v) => !v.suppress) : states).map((v) => (
          <Tile key={v.user_id} state={v} channel={channel} here={here} />
        ))}
      </ul>
      {here && <Streams channel={channel} />}
      <div className="voice-actions">
        {!here && (
          <button className="primary" disabled={!canConnect} onClick={() => void voice.join(channel.guild_id ?? null, channel.id)}>
            {canConnect ? 'Join voice' : 'You cannot connect here'}
          </button>
        )}
        {here && <span className="muted">{ui.status === 'connected' ? 'You are in this channel.' : 'Connecting…'}</span>}
      </div>
    </section>
  );
}

function Tile({ state, channel, here }: { state: VoiceState; channel: Channel; here: boolean }) {
  const voice = useVoice();
  useVoiceState();
  const name = useSelect((s) => memberName(s, channel.guild_id, state.user_id));
  const user = useSelect((s) => s.users[state.user_id]);
  const me = useSelect((s) => s.me?.id);
  const session = here ? voice.session : null;
  const speaking = state.user_id === me ? session?.localSpeaking : session?.peers.get(state.user_id)?.speaking;
  const mine = state.user_id === me;
  const video = mine ? voice.localCamera : session?.remote.get(state.user_id)?.video;
  return (
    <li className={`voice-tile${speaking ? ' speaking' : ''}`} data-user={name} data-speaking={speaking ? 'true' : 'false'} aria-label={`${name}${speaking ? ', speaking' : ''}`}>
      {video && (mine || state.self_video) ? <Video stream={video} label={`${name}'s camera`} /> : <Avatar user={user} size={72} speaking={!!speaking} />}
      <span className="tile-name">
        {name} {(state.self_mute || state.mute) && '🔇'} {state.self_stream && <span className="live-tag">LIVE</span>}
      </span>
    </li>
  );
}

function Streams({ channel }: { channel: Channel }) {
  const voice = useVoice();
  useVoiceState();
  const me = useSelect((s) => s.me?.id);
  const names = useSelect((s) => (id: string) => memberName(s, channel.guild_id, id));
  const [tiers, setTiers] = useState<Record<string, Tier>>({});
  const session = voice.session;
  if (!session) return null;
  const live = [...session.streams.values()].filter((s) => s.live && s.userId !== me);
  const mine = me ? session.streams.get(me) : undefined;
  if (!live.length && !mine?.live) return null;
  return (
    <ul className="streams" role="list" aria-label="Live streams">
      {mine?.live && (
        <li className="stream own">
          <span className="live-tag">LIVE</span> You are sharing your screen · {mine.viewers.length} watching
        </li>
      )}
      {live.map((stream) => {
        const watching = me ? stream.viewers.includes(me) : false;
        const screen = session.remote.get(stream.userId)?.screen;
        const tier = tiers[stream.userId] ?? '720p30';
        return (
          <li key={stream.userId} className="stream">
            <header>
              <span className="live-tag">LIVE</span> {names(stream.userId)}'s screen · {stream.viewers.length} watching
            </header>
            <label>
              Quality
              <select
                value={tier}
                onChange={(e) => {
                  const next = e.target.value as Tier;
                  setTiers((t) => ({ ...t, [stream.userId]: next }));
                  if (watching) voice.watch(stream.userId, next);
                }}
              >
                {TIERS.map((t) => (
                  <option key={t}>{t}</option>
                ))}
              </select>
            </label>
            {watching ? (
              <>
                {screen && <Video stream={screen} label={`${names(stream.userId)}'s screen`} />}
                <button onClick={() => voice.unwatch(stream.userId)}>Stop watching</button>
              </>
            ) : (
              <button className="primary" onClick={() => voice.watch(stream.userId, tier)}>
                Watch stream
              </button>
            )}
          </li>
        );
      })}
    </ul>
  );
}

function Video({ stream, label }: { stream: MediaStream; label: string }) {
  const ref = useRef<HTMLVideoElement>(null);
  useEffect(() => {
    if (ref.current && ref.current.srcObject !== stream) ref.current.srcObject = stream;
  }, [stream]);
  return <video ref={ref} autoPlay playsInline muted aria-label={label} />;
}
