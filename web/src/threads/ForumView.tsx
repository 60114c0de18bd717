import { type FormEvent, useEffect, useState } from 'react';
import { useClient } from '../app/context';
import { navigate } from '../app/router';
import { useSelect } from '../state/store';
import type { Channel } from '../api/types';
import { describe } from '../auth/AuthScreen';
import { threadsOf } from './threads';
import { FormError } from '../ui/FormError';

/** A forum board: its posts (threads, active and archived) and a form for a new post. */
export function ForumView({ forum }: { forum: Channel }) {
  const client = useClient();
  const active = useSelect((s) => threadsOf(s, forum.id));
  const [archived, setArchived] = useState<Channel[]>([]);
  const [title, setTitle] = useState('');
  const [body, setBody] = useState('');
  const [tags, setTags] = useState<string[]>([]);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    client.rest
      .get<{ threads: Channel[] }>(`/channels/${forum.id}/threads/archived/public`)
      .then((a) => setArchived(a.threads), () => setArchived([]));
  }, [client, forum.id]);

  async function post(e: FormEvent) {
    e.preventDefault();
    try {
      const thread = await client.rest.post<Channel>(`/channels/${forum.id}/threads`, {
        name: title.trim(),
        message: { content: body },
        applied_tags: tags,
      });
      setTitle('');
      setBody('');
      navigate(`/channels/${forum.guild_id}/${thread.id}`);
    } catch (err) {
      setError(describe(err));
    }
  }

  const posts = [...active, ...archived.filter((a) => !active.some((t) => t.id === a.id))];
  return (
    <div className="forum">
      <form className="stack new-post" onSubmit={post} aria-label="New post">
        <label>
          Title
          <input name="post-title" value={title} onChange={(e) => setTitle(e.target.value)} maxLength={100} required />
        </label>
        <label>
          Message
          <textarea name="post-body" value={body} onChange={(e) => setBody(e.target.value)} maxLength={2000} required />
        </label>
        {(forum.available_tags ?? []).length > 0 && (
          <fieldset className="choices">
            <legend>Tags</legend>
            {(forum.available_tags ?? []).map((t) => (
              <label key={t.id} className="choice">
                <input
                  type="checkbox"
                  checked={tags.includes(t.id)}
                  onChange={(e) => setTags((all) => (e.target.checked ? [...all, t.id] : all.filter((x) => x !== t.id)))}
                />
                {t.name}
              </label>
            ))}
          </fieldset>
        )}
        <button type="submit" className="primary">
          Post
        </button>
        <FormError error={error} />
      </form>
      <ul className="forum-posts" role="list" aria-label="Posts">
        {posts.map((t) => (
          <li key={t.id}>
            <button className="forum-post" onClick={() => navigate(`/channels/${forum.guild_id}/${t.id}`)}>
              <strong>{t.name}</strong>
              <span className="muted">
                {t.message_count ?? 0} messages{t.thread_metadata?.archived ? ' · archived' : ''}
              </span>
            </button>
          </li>
        ))}
        {posts.length === 0 && <li className="muted">No posts yet. Start the conversation.</li>}
      </ul>
    </div>
  );
}
