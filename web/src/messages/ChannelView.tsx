import { useState } from 'react';
import { useSelect } from '../state/store';
import { channelLabel, permissionsIn } from '../state/select';
import { P, has } from '../state/permissions';
import { MessageList } from './MessageList';
import { Composer } from './Composer';
import { TypingIndicator } from './TypingIndicator';
import { PinsPanel } from './PinsPanel';
import { SearchPanel } from './SearchPanel';
import { ForumView } from '../threads/ForumView';
import { ThreadsPanel } from '../threads/ThreadsPanel';
import { VoiceRoom } from '../voiceui/VoiceRoom';
import type { Message } from '../api/types';
import { useVoice, useVoiceState } from '../voiceui/useVoice';
import { ReadReceipts } from './ReadReceipts';

type Panel = 'pins' | 'search' | 'threads' | null;

/** An open channel: its header, then messages and the composer (or a forum's posts, or a
 * voice channel's participants). */
export function ChannelView({
  channel: id,
  showMembers,
  onToggleMembers,
}: {
  channel: string;
  showMembers: boolean;
  onToggleMembers: () => void;
}) {
  const channel = useSelect((s) => s.channels[id]);
  const label = useSelect((s) => channelLabel(s, s.channels[id]));
  const perms = useSelect((s) => (s.channels[id] ? permissionsIn(s, s.channels[id]) : 0n));
  const [panel, setPanel] = useState<Panel>(null);
  const [replyTo, setReplyTo] = useState<Message | null>(null);
  const callActive = useSelect((s) => Object.keys(s.voiceStates[id] ?? {}).length > 0);
  const voice = useVoice();
  const inCall = useVoiceState().channel === id;
  if (!channel || perms === 0n) {
    return <div className="empty">This channel does not exist or you cannot see it.</div>;
  }
  const isVoice = channel.type === 2 || channel.type === 13;
  const toggle = (p: Panel) => setPanel((current) => (current === p ? null : p));
  const canSend = has(perms, channel.type >= 10 && channel.type <= 12 ? P.SEND_MESSAGES_IN_THREADS : P.SEND_MESSAGES);
  return (
    <section className="channel-view" aria-label={label}>
      <header className="channel-header">
        <h2>
          <span aria-hidden="true">{channel.guild_id ? (isVoice ? '🔊 ' : '# ') : '@ '}</span>
          {label}
        </h2>
        {channel.topic && <p className="topic">{channel.topic}</p>}
        <div className="header-actions">
          {!channel.guild_id && !inCall && (
            <button className="icon" aria-label="Start a call" onClick={() => void voice.join(null, id)}>
              📞
            </button>
          )}
          {channel.type === 0 && (
            <button className="icon" aria-pressed={panel === 'threads'} aria-label="Threads" onClick={() => toggle('threads')}>
              🧵
            </button>
          )}
          <button className="icon" aria-pressed={panel === 'pins'} aria-label="Pinned messages" onClick={() => toggle('pins')}>
            📌
          </button>
          <button className="icon" aria-pressed={panel === 'search'} aria-label="Search" onClick={() => toggle('search')}>
            🔍
          </button>
          {channel.guild_id && (
            <button className="icon" aria-pressed={showMembers} aria-label="Member list" onClick={onToggleMembers}>
              👥
            </button>
          )}
        </div>
      </header>
      <div className="channel-body">
        <div className="channel-main">
          {(isVoice || (!channel.guild_id && (callActive || inCall))) && <VoiceRoom channel={channel} />}
          {channel.type === 15 ? (
            <ForumView forum={channel} />
          ) : (
            <>
              <MessageList channel={channel} onReply={setReplyTo} />
              {!channel.guild_id && <ReadReceipts channel={channel} />}
              <TypingIndicator channel={id} />
              {canSend ? (
                <Composer channel={channel} replyTo={replyTo} onCancelReply={() => setReplyTo(null)} perms={perms} />
              ) : (
                <p className="composer-disabled">You do not have permission to send messages in this channel.</p>
              )}
            </>
          )}
        </div>
        {panel === 'pins' && <PinsPanel channel={channel} onClose={() => setPanel(null)} />}
        {panel === 'search' && <SearchPanel channel={channel} onClose={() => setPanel(null)} />}
        {panel === 'threads' && <ThreadsPanel channel={channel} onClose={() => setPanel(null)} />}
      </div>
    </section>
  );
}
