import { useEffect, useState } from 'react';
import { useSelect } from '../state/store';
import { channelLabel } from '../state/select';
import { useVoice, useVoiceState } from './useVoice';

/** Above the user panel while in a call: where, mute, deafen, camera, screen, leave, and the
 * connection's packet counts. */
export function VoiceControls() {
  const voice = useVoice();
  const ui = useVoiceState();
  const name = useSelect((s) => channelLabel(s, ui.channel ? s.channels[ui.channel] : undefined));
  const [info, setInfo] = useState(false);
  if (ui.status === 'idle') return null;
  return (
    <section className="voice-controls" aria-label="Voice connection">
      <div className="voice-where">
        <strong className={ui.status === 'connected' ? 'ok' : 'muted'}>
          {ui.status === 'connected' ? 'Voice connected' : ui.status === 'joining' ? 'Connecting…' : 'Reconnecting…'}
        </strong>
        <span className="muted">{name}</span>
      </div>
      {ui.error && (
        <p className="form-error" role="alert" onClick={() => voice.resumeAudio()}>
          {ui.error}
        </p>
      )}
      <div className="voice-buttons" role="toolbar" aria-label="Voice controls">
        <button className="icon" aria-pressed={ui.muted} aria-label={ui.muted ? 'Unmute' : 'Mute'} onClick={() => voice.toggleMute()}>
          {ui.muted ? '🔇' : '🎤'}
        </button>
        <button className="icon" aria-pressed={ui.deafened} aria-label={ui.deafened ? 'Undeafen' : 'Deafen'} onClick={() => voice.toggleDeafen()}>
          {ui.deafened ? '🙉' : '🎧'}
        </button>
        <button className="icon" aria-pressed={ui.camera} aria-label={ui.camera ? 'Turn camera off' : 'Turn camera on'} onClick={() => void voice.toggleCamera()}>
          📹
        </button>
        <button className="icon" aria-pressed={ui.screen} aria-label={ui.screen ? 'Stop sharing' : 'Share screen'} onClick={() => void voice.toggleScreen()}>
          🖥
        </button>
        <button className="icon" aria-pressed={info} aria-label="Connection info" onClick={() => setInfo((i) => !i)}>
          📊
        </button>
        <button className="icon danger" aria-label="Disconnect" onClick={() => voice.leave()}>
          ☎
        </button>
      </div>
      {info && <ConnectionInfo />}
    </section>
  );
}

/** Packets sent and received, from the peer connection's statistics, every second. */
function ConnectionInfo() {
  const voice = useVoice();
  const [stats, setStats] = useState<{ audioPacketsReceived: number; audioPacketsSent: number } | null>(null);
  useEffect(() => {
    const read = () => voice.session?.stats().then(setStats, () => undefined);
    void read();
    const timer = setInterval(read, 1000);
    return () => clearInterval(timer);
  }, [voice]);
  return (
    <dl className="connection-info" aria-label="Connection info">
      <dt>Audio packets sent</dt>
      <dd data-testid="audio-sent">{stats?.audioPacketsSent ?? 0}</dd>
      <dt>Audio packets received</dt>
      <dd data-testid="audio-received">{stats?.audioPacketsReceived ?? 0}</dd>
      <dt>State</dt>
      <dd>{voice.session?.connectionState ?? 'new'}</dd>
    </dl>
  );
}
