import { memo, useState } from 'react';
import { useClient } from '../app/context';
import { useSelect } from '../state/store';
import { colorCss, memberName, permissionsIn, roleColor } from '../state/select';
import { P, has } from '../state/permissions';
import type { Channel, Message, Reaction } from '../api/types';
import { Avatar } from '../ui/Avatar';
import { Markdown, plainText } from '../markdown/Markdown';
import { useResolver } from './resolver';
import { EmojiPicker, emojiKey } from '../ui/EmojiPicker';
import { EditHistory } from './EditHistory';
import { Attachments } from './Attachments';
import { describe } from '../auth/AuthScreen';
import { FormError } from '../ui/FormError';

export const MessageItem = memo(function MessageItem({
  message,
  channel,
  grouped,
  onReply,
}: {
  message: Message;
  channel: Channel;
  grouped: boolean;
  onReply: (m: Message) => void;
}) {
  const client = useClient();
  const resolve = useResolver(channel.guild_id);
  const me = useSelect((s) => s.me?.id);
  const name = useSelect((s) => memberName(s, channel.guild_id, message.author.id));
  const color = useSelect((s) =>
    roleColor(s, channel.guild_id, channel.guild_id ? s.members[channel.guild_id]?.[message.author.id] : undefined),
  );
  const perms = useSelect((s) => permissionsIn(s, channel));
  const replyName = useSelect((s) =>
    message.referenced_message ? memberName(s, channel.guild_id, message.referenced_message.author.id) : '',
  );
  const [editing, setEditing] = useState(false);
  const [draft, setDraft] = useState(message.content);
  const [picking, setPicking] = useState(false);
  const [history, setHistory] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const pending = message.id.startsWith('pending-');
  const mine = message.author.id === me;
  const mentioned = message.mentions.some((u) => u.id === me) || message.mention_everyone;

  const react = (emoji: string, add: boolean) =>
    client.react(channel.id, message.id, emoji, add).catch((e) => setError(describe(e)));
  const saveEdit = async () => {
    try {
      if (draft.trim() && draft !== message.content) await client.edit(channel.id, message.id, draft);
      setEditing(false);
    } catch (e) {
      setError(describe(e));
    }
  };
  const time = new Date(message.timestamp);
  return (
    <li
      className={`message${grouped ? ' grouped' : ''}${pending ? ' pending' : ''}${mentioned ? ' mentioned' : ''}`}
      data-message-id={pending ? undefined : message.id}
      aria-label={`${name}: ${plainText(message.content).slice(0, 200)}`}
      tabIndex={-1}
    >
      {message.type === 19 && (
        <div className="reply-preview">
          {message.referenced_message ? (
            <>
              <span className="reply-author">@{replyName}</span> {plainText(message.referenced_message.content).slice(0, 100)}
            </>
          ) : (
            <span className="muted">Original message was deleted</span>
          )}
        </div>
      )}
      {!grouped && (
        <div className="message-header">
          <Avatar user={message.author} size={40} />
          <span className="author" style={{ color: colorCss(color) }}>
            {name}
          </span>
          {message.author.bot && <span className="bot-tag">BOT</span>}
          <time dateTime={message.timestamp} title={time.toLocaleString()}>
            {time.toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit' })}
          </time>
        </div>
      )}
      <div className="message-body">
        {editing ? (
          <div className="edit-box">
            <textarea
              aria-label="Edit message"
              value={draft}
              autoFocus
              onChange={(e) => setDraft(e.target.value)}
              onKeyDown={(e) => {
                if (e.key === 'Enter' && !e.shiftKey) {
                  e.preventDefault();
                  void saveEdit();
                }
                if (e.key === 'Escape') setEditing(false);
              }}
            />
            <span className="muted">Enter to save, Escape to cancel</span>
          </div>
        ) : (
          <div className="content">
            <Markdown content={message.content} resolve={resolve} />
            {message.edited_timestamp && (
              <button className="edited" onClick={() => setHistory(true)} title={new Date(message.edited_timestamp).toLocaleString()}>
                (edited)
              </button>
            )}
          </div>
        )}
        <Attachments attachments={message.attachments} />
        {message.reactions && message.reactions.length > 0 && (
          <ul className="reactions" role="list" aria-label="Reactions">
            {message.reactions.map((r) => (
              <li key={emojiKey(r.emoji)}>
                <button
                  className={`reaction${r.me ? ' me' : ''}`}
                  aria-pressed={r.me}
                  aria-label={`${r.emoji.name}: ${r.count}`}
                  onClick={() => void react(emojiKey(r.emoji), !r.me)}
                >
                  <ReactionEmoji reaction={r} /> {r.count}
                </button>
              </li>
            ))}
          </ul>
        )}
        <FormError error={error} />
      </div>
      {!pending && !editing && (
        <div className="message-actions" role="toolbar" aria-label="Message actions">
          {has(perms, P.ADD_REACTIONS) && (
            <button className="icon" aria-label="Add reaction" onClick={() => setPicking((p) => !p)}>
              😀
            </button>
          )}
          <button className="icon" aria-label="Reply" onClick={() => onReply(message)}>
            ↩
          </button>
          {mine && (
            <button className="icon" aria-label="Edit" onClick={() => { setDraft(message.content); setEditing(true); }}>
              ✎
            </button>
          )}
          {has(perms, P.MANAGE_MESSAGES) && (
            <button className="icon" aria-label={message.pinned ? 'Unpin' : 'Pin'} onClick={() => void client.pin(channel.id, message.id, !message.pinned).catch((e) => setError(describe(e)))}>
              📌
            </button>
          )}
          {(mine || has(perms, P.MANAGE_MESSAGES)) && (
            <button
              className="icon danger"
              aria-label="Delete"
              onClick={() => confirm('Delete this message?') && void client.remove(channel.id, message.id).catch((e) => setError(describe(e)))}
            >
              🗑
            </button>
          )}
        </div>
      )}
      {picking && (
        <EmojiPicker
          guild={channel.guild_id ?? undefined}
          onPick={(emoji) => {
            setPicking(false);
            void react(emoji, true);
          }}
          onClose={() => setPicking(false)}
        />
      )}
      {history && <EditHistory channel={channel.id} message={message} onClose={() => setHistory(false)} />}
    </li>
  );
});

function ReactionEmoji({ reaction }: { reaction: Reaction }) {
  const { emoji } = reaction;
  if (emoji.id) return <img className="emoji" src={`/emojis/${emoji.id}.${emoji.animated ? 'gif' : 'png'}`} alt={`:${emoji.name}:`} />;
  return <span className="emoji">{emoji.name}</span>;
}
