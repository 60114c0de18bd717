import { type FormEvent, useState } from 'react';
import { useClient } from '../app/context';
import type { Channel, Message } from '../api/types';
import { SidePanel } from './SidePanel';
import { MessageSummary } from './MessageSummary';
import { describe } from '../auth/AuthScreen';
import { FormError } from '../ui/FormError';

const HAS = ['', 'link', 'embed', 'file', 'image', 'video', 'sound'];

/** Message search in the guild (or this DM), with author, attachment-kind and channel filters. */
export function SearchPanel({ channel, onClose }: { channel: Channel; onClose: () => void }) {
  const client = useClient();
  const [content, setContent] = useState('');
  const [author, setAuthor] = useState('');
  const [hasKind, setHasKind] = useState('');
  const [thisChannel, setThisChannel] = useState(false);
  const [results, setResults] = useState<{ total: number; messages: Message[] } | null>(null);
  const [error, setError] = useState<string | null>(null);

  async function search(e: FormEvent) {
    e.preventDefault();
    setError(null);
    const query = { content: content || undefined, author_id: author || undefined, has: hasKind || undefined };
    const guildWide = channel.guild_id && !thisChannel;
    const path = guildWide ? `/guilds/${channel.guild_id}/messages/search` : `/channels/${channel.id}/messages/search`;
    try {
      const answer = await client.rest.get<{ total_results: number; messages: Message[][] }>(path, {
        query: guildWide ? query : { ...query },
      });
      setResults({ total: answer.total_results, messages: answer.messages.map((group) => group[0]) });
    } catch (err) {
      setError(describe(err));
    }
  }

  return (
    <SidePanel title="Search" onClose={onClose}>
      <form className="stack" onSubmit={search} role="search">
        <label>
          Text
          <input name="search" value={content} onChange={(e) => setContent(e.target.value)} />
        </label>
        <label>
          From user id
          <input name="author" value={author} onChange={(e) => setAuthor(e.target.value.replace(/\D/g, ''))} inputMode="numeric" />
        </label>
        <label>
          Has
          <select value={hasKind} onChange={(e) => setHasKind(e.target.value)}>
            {HAS.map((h) => (
              <option key={h} value={h}>
                {h || 'anything'}
              </option>
            ))}
          </select>
        </label>
        {channel.guild_id && (
          <label className="choice">
            <input type="checkbox" checked={thisChannel} onChange={(e) => setThisChannel(e.target.checked)} /> Only this channel
          </label>
        )}
        <button type="submit" className="primary">
          Search
        </button>
      </form>
      <FormError error={error} />
      {results && (
        <>
          <p className="muted" role="status">
            {results.total} result{results.total === 1 ? '' : 's'}
          </p>
          <ul role="list" className="summary-list">
            {results.messages.map((m) => (
              <MessageSummary key={m.id} message={m} guild={channel.guild_id} />
            ))}
          </ul>
        </>
      )}
    </SidePanel>
  );
}
