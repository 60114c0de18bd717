import { useEffect, useRef, useState } from 'react';
import { useSelect } from '../state/store';
import type { Emoji } from '../api/types';
import { EMOJIS } from './emojis';

/** The form reactions take in URLs: the Unicode emoji, or `name:id` for a custom one. */
export function emojiKey(emoji: Emoji): string {
  return emoji.id ? `${emoji.name}:${emoji.id}` : (emoji.name ?? '');
}

/** A searchable grid of emoji (and the guild's own); arrow keys move, Enter picks. */
export function EmojiPicker({ guild, onPick, onClose }: { guild?: string; onPick: (emoji: string) => void; onClose: () => void }) {
  const [query, setQuery] = useState('');
  const custom = useSelect((s) => (guild ? (s.guilds[guild]?.emojis ?? []) : []));
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => e.key === 'Escape' && onClose();
    const onDown = (e: MouseEvent) => ref.current && !ref.current.contains(e.target as Node) && onClose();
    document.addEventListener('keydown', onKey);
    document.addEventListener('mousedown', onDown);
    return () => {
      document.removeEventListener('keydown', onKey);
      document.removeEventListener('mousedown', onDown);
    };
  }, [onClose]);
  const q = query.trim().toLowerCase();
  const standard = EMOJIS.filter(([name]) => name.includes(q));
  const own = custom.filter((e) => (e.name ?? '').toLowerCase().includes(q));
  const move = (e: React.KeyboardEvent<HTMLDivElement>) => {
    const buttons = Array.from(ref.current?.querySelectorAll<HTMLButtonElement>('.emoji-grid button') ?? []);
    const at = buttons.indexOf(document.activeElement as HTMLButtonElement);
    const step = { ArrowRight: 1, ArrowLeft: -1, ArrowDown: 8, ArrowUp: -8 }[e.key];
    if (step === undefined) return;
    e.preventDefault();
    buttons[Math.max(0, Math.min(buttons.length - 1, at < 0 ? 0 : at + step))]?.focus();
  };
  return (
    <div className="emoji-picker" role="dialog" aria-label="Emoji picker" ref={ref} onKeyDown={move}>
      <input aria-label="Search emoji" placeholder="Find an emoji" value={query} onChange={(e) => setQuery(e.target.value)} autoFocus />
      <div className="emoji-grid" role="grid">
        {own.map((e) => (
          <button key={e.id} aria-label={`:${e.name}:`} title={`:${e.name}:`} onClick={() => onPick(`${e.name}:${e.id}`)}>
            <img className="emoji" src={`/emojis/${e.id}.${e.animated ? 'gif' : 'png'}`} alt="" />
          </button>
        ))}
        {standard.map(([name, char]) => (
          <button key={name} aria-label={`:${name}:`} title={`:${name}:`} onClick={() => onPick(char)}>
            {char}
          </button>
        ))}
      </div>
    </div>
  );
}
