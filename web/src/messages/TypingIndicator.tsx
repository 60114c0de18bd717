import { useSelect } from '../state/store';
import { memberName } from '../state/select';

/** "X is typing…" for whoever typed in the channel in the last 10 s. */
export function TypingIndicator({ channel }: { channel: string }) {
  const names = useSelect((s) => {
    const guild = s.channels[channel]?.guild_id;
    return Object.keys(s.typing[channel] ?? {}).map((id) => memberName(s, guild, id));
  });
  const text =
    names.length === 0
      ? ''
      : names.length === 1
        ? `${names[0]} is typing…`
        : names.length <= 3
          ? `${names.slice(0, -1).join(', ')} and ${names[names.length - 1]} are typing…`
          : 'Several people are typing…';
  return (
    <div className="typing" role="status" aria-live="polite">
      {text}
    </div>
  );
}
