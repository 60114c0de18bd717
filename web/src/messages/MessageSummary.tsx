import type { Message } from '../api/types';
import { useSelect } from '../state/store';
import { memberName } from '../state/select';
import { Markdown } from '../markdown/Markdown';
import { useResolver } from './resolver';
import { navigate } from '../app/router';

/** A message in a list (pins, search results): author, time, content; opens its channel. */
export function MessageSummary({ message, guild }: { message: Message; guild?: string | null }) {
  const name = useSelect((s) => memberName(s, guild, message.author.id) || message.author.username);
  const resolve = useResolver(guild);
  return (
    <li className="summary">
      <button
        className="summary-open"
        onClick={() => navigate(`/channels/${guild ?? '@me'}/${message.channel_id}`)}
        aria-label={`Open message by ${name}`}
      >
        <strong>{name}</strong> <time className="muted">{new Date(message.timestamp).toLocaleString()}</time>
      </button>
      <Markdown content={message.content} resolve={resolve} />
    </li>
  );
}
