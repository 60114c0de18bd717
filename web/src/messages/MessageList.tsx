import { Fragment, useEffect, useLayoutEffect, useRef } from 'react';
import { useClient } from '../app/context';
import { useSelect } from '../state/store';
import type { Channel, Message } from '../api/types';
import { emptyMessages } from '../state/state';
import { MessageItem } from './MessageItem';

/** Messages by one author within this long of the previous share its header. */
const GROUP_MS = 7 * 60_000;

/** A channel's messages: the latest page first, older pages as the top is reached, new
 * messages live (kept in view when the reader is at the bottom), date separators and
 * grouping; the channel is marked read as its newest message is seen. */
export function MessageList({ channel, onReply }: { channel: Channel; onReply: (m: Message) => void }) {
  const client = useClient();
  const messages = useSelect((s) => s.messages[channel.id] ?? emptyMessages);
  const scroller = useRef<HTMLDivElement>(null);
  const top = useRef<HTMLDivElement>(null);
  const atBottom = useRef(true);
  const anchor = useRef<{ id: string; offset: number } | null>(null);
  const all = [...messages.list, ...messages.pending];
  const newest = messages.list[messages.list.length - 1]?.id;

  useEffect(() => {
    atBottom.current = true;
    if (!client.store.get().messages[channel.id]) void client.loadOlder(channel.id);
  }, [client, channel.id]);

  // Older pages when the top comes into view, keeping the first visible message in place.
  useEffect(() => {
    const sentinel = top.current;
    if (!sentinel || messages.complete) return;
    const observer = new IntersectionObserver((entries) => {
      if (!entries.some((e) => e.isIntersecting) || !client.store.get().messages[channel.id]) return;
      const first = scroller.current?.querySelector<HTMLElement>('[data-message-id]');
      if (first) anchor.current = { id: first.dataset.messageId as string, offset: first.offsetTop - (scroller.current?.scrollTop ?? 0) };
      void client.loadOlder(channel.id);
    }, { root: scroller.current, rootMargin: '200px 0px 0px 0px' });
    observer.observe(sentinel);
    return () => observer.disconnect();
  }, [client, channel.id, messages.complete, messages.list.length > 0]);

  useLayoutEffect(() => {
    const el = scroller.current;
    if (!el) return;
    if (anchor.current) {
      const same = el.querySelector<HTMLElement>(`[data-message-id="${anchor.current.id}"]`);
      if (same) el.scrollTop = same.offsetTop - anchor.current.offset;
      anchor.current = null;
    } else if (atBottom.current) {
      el.scrollTop = el.scrollHeight;
    }
  }, [all.length, messages.list[0]?.id]);

  useEffect(() => {
    if (newest && atBottom.current && document.visibilityState === 'visible') client.ack(channel.id, newest);
  }, [client, channel.id, newest]);

  const onScroll = () => {
    const el = scroller.current;
    if (!el) return;
    atBottom.current = el.scrollHeight - el.scrollTop - el.clientHeight < 40;
    if (atBottom.current && newest) client.ack(channel.id, newest);
  };

  return (
    <div className="message-scroll" ref={scroller} onScroll={onScroll}>
      <div ref={top} className="history-top">
        {messages.complete ? (
          <p className="channel-start">This is the beginning of the channel.</p>
        ) : (
          <p className="muted" role="status">
            Loading older messages…
          </p>
        )}
      </div>
      <ol className="message-list" role="list" aria-label="Messages" aria-live="polite" aria-relevant="additions">
        {all.map((message, i) => {
          const previous = all[i - 1];
          const newDay = !previous || dayOf(previous) !== dayOf(message);
          const grouped =
            !!previous &&
            !newDay &&
            previous.author.id === message.author.id &&
            message.type !== 19 &&
            Date.parse(message.timestamp) - Date.parse(previous.timestamp) < GROUP_MS;
          return (
            <Fragment key={message.id}>
              {newDay && (
                <li className="date-separator" role="separator" aria-label={dayLabel(message)}>
                  <span>{dayLabel(message)}</span>
                </li>
              )}
              <MessageItem message={message} channel={channel} grouped={grouped} onReply={onReply} />
            </Fragment>
          );
        })}
      </ol>
    </div>
  );
}

function dayOf(message: Message): string {
  return new Date(message.timestamp).toDateString();
}

function dayLabel(message: Message): string {
  return new Date(message.timestamp).toLocaleDateString(undefined, { year: 'numeric', month: 'long', day: 'numeric' });
}
