import { type DragEvent, type KeyboardEvent, useRef, useState } from 'react';
import { useClient } from '../app/context';
import { useSelect, useStoreInstance } from '../state/store';
import { channelLabel, memberName } from '../state/select';
import { P, has } from '../state/permissions';
import type { Channel, Message } from '../api/types';
import { describe } from '../auth/AuthScreen';
import { type Suggestion, suggestions, replaceToken } from './autocomplete';
import { size } from './Attachments';
import { FormError } from '../ui/FormError';

const MAX_LENGTH = 2000;

/** Writes and sends messages: Enter sends, Shift+Enter breaks the line; @, # and : complete
 * members, channels and emoji; files by button, drop or paste, with upload progress. */
export function Composer({
  channel,
  replyTo,
  onCancelReply,
  perms,
}: {
  channel: Channel;
  replyTo: Message | null;
  onCancelReply: () => void;
  perms: bigint;
}) {
  const client = useClient();
  // Not the whole state as a subscription: the composer would redraw on every gateway event.
  const store = useStoreInstance();
  const label = useSelect((s) => channelLabel(s, channel));
  const replyName = useSelect((s) => (replyTo ? memberName(s, channel.guild_id, replyTo.author.id) : ''));
  const [text, setText] = useState('');
  const [files, setFiles] = useState<File[]>([]);
  const [progress, setProgress] = useState<number | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [choice, setChoice] = useState(0);
  const [caret, setCaret] = useState(0);
  const [dragging, setDragging] = useState(false);
  const input = useRef<HTMLTextAreaElement>(null);
  const fileInput = useRef<HTMLInputElement>(null);
  // Completions follow the text, which re-renders; the store is read as it is then.
  const options = suggestions(store.get(), channel, text, caret);
  const canAttach = has(perms, P.ATTACH_FILES);

  async function send() {
    const content = text.trim();
    if ((!content && !files.length) || content.length > MAX_LENGTH) return;
    const sending = files;
    setText('');
    setFiles([]);
    onCancelReply();
    setError(null);
    client.stoppedTyping(channel.id);
    try {
      setProgress(sending.length ? 0 : null);
      await client.send(channel.id, content, {
        replyTo: replyTo?.id,
        files: sending,
        onProgress: sending.length ? setProgress : undefined,
      });
    } catch (err) {
      setError(describe(err));
      setText(content);
      setFiles(sending);
    } finally {
      setProgress(null);
    }
  }

  function pick(s: Suggestion) {
    const { text: next, caret: at } = replaceToken(text, caret, s.insert);
    setText(next);
    setCaret(at);
    setChoice(0);
    requestAnimationFrame(() => input.current?.setSelectionRange(at, at));
  }

  function onKeyDown(e: KeyboardEvent<HTMLTextAreaElement>) {
    if (options.length) {
      if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
        e.preventDefault();
        setChoice((c) => (c + (e.key === 'ArrowDown' ? 1 : options.length - 1)) % options.length);
        return;
      }
      if (e.key === 'Enter' || e.key === 'Tab') {
        e.preventDefault();
        pick(options[Math.min(choice, options.length - 1)]);
        return;
      }
    }
    if (e.key === 'Enter' && !e.shiftKey) {
      e.preventDefault();
      void send();
    } else if (e.key === 'Escape' && replyTo) {
      onCancelReply();
    }
  }

  const addFiles = (list: FileList | null) => {
    // Copied now: the input's list is emptied once it is reset for the next pick.
    const added = list && canAttach ? Array.from(list) : [];
    if (added.length) setFiles((f) => [...f, ...added].slice(0, 10));
  };
  const onDrop = (e: DragEvent) => {
    e.preventDefault();
    setDragging(false);
    addFiles(e.dataTransfer.files);
  };

  return (
    <div
      className={`composer${dragging ? ' dragging' : ''}`}
      onDragOver={(e) => {
        if (!canAttach) return;
        e.preventDefault();
        setDragging(true);
      }}
      onDragLeave={() => setDragging(false)}
      onDrop={onDrop}
    >
      {replyTo && (
        <div className="reply-bar">
          Replying to <strong>{replyName}</strong>
          <button className="icon" aria-label="Cancel reply" onClick={onCancelReply}>
            ✕
          </button>
        </div>
      )}
      {files.length > 0 && (
        <ul className="pending-files" role="list" aria-label="Files to upload">
          {files.map((f, i) => (
            <li key={`${f.name}-${i}`}>
              {f.name} <span className="muted">{size(f.size)}</span>
              <button className="icon" aria-label={`Remove ${f.name}`} onClick={() => setFiles((all) => all.filter((_, j) => j !== i))}>
                ✕
              </button>
            </li>
          ))}
        </ul>
      )}
      {progress !== null && (
        <progress className="upload-progress" value={progress} max={1} aria-label="Upload progress">
          {Math.round(progress * 100)}%
        </progress>
      )}
      {options.length > 0 && (
        <ul className="autocomplete" role="listbox" aria-label="Suggestions">
          {options.map((s, i) => (
            <li
              key={s.key}
              role="option"
              aria-selected={i === choice}
              className={i === choice ? 'selected' : undefined}
              onMouseDown={(e) => {
                e.preventDefault();
                pick(s);
              }}
            >
              {s.label} {s.detail && <span className="muted">{s.detail}</span>}
            </li>
          ))}
        </ul>
      )}
      <div className="composer-row">
        {canAttach && (
          <>
            <button className="icon" aria-label="Attach files" onClick={() => fileInput.current?.click()}>
              +
            </button>
            <input
              ref={fileInput}
              type="file"
              multiple
              hidden
              aria-label="Files"
              data-testid="file-input"
              onChange={(e) => {
                addFiles(e.target.files);
                e.target.value = '';
              }}
            />
          </>
        )}
        <textarea
          ref={input}
          className="composer-input"
          aria-label={`Message ${channel.guild_id ? '#' : '@'}${label}`}
          placeholder={`Message ${channel.guild_id ? '#' : '@'}${label}`}
          rows={1}
          value={text}
          maxLength={MAX_LENGTH + 100}
          onChange={(e) => {
            setText(e.target.value);
            setCaret(e.target.selectionStart);
            setChoice(0);
            if (e.target.value) client.typing(channel.id);
          }}
          onSelect={(e) => setCaret(e.currentTarget.selectionStart)}
          onKeyDown={onKeyDown}
          onPaste={(e) => addFiles(e.clipboardData.files)}
        />
      </div>
      {text.length > MAX_LENGTH && <p className="form-error">{text.length} / {MAX_LENGTH} characters</p>}
      <FormError error={error} />
    </div>
  );
}
