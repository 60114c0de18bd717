// A spoiler hides its content until the reader asks for it. The choice lives in local state: it
// is per rendered message, not remembered.

import { type KeyboardEvent, type ReactNode, useState } from 'react';

export function Spoiler({ children }: { children: ReactNode }) {
  const [revealed, setRevealed] = useState(false);
  if (revealed) return <span className="md-spoiler md-spoiler-revealed">{children}</span>;

  function onKeyDown(e: KeyboardEvent) {
    if (e.key !== 'Enter' && e.key !== ' ') return;
    e.preventDefault(); // Space would scroll the message list
    setRevealed(true);
  }
  // `inert` keeps links and mentions inside from being clicked or focused before they are seen.
  return (
    <span
      className="md-spoiler"
      role="button"
      tabIndex={0}
      aria-label="Spoiler"
      aria-expanded={false}
      onClick={() => setRevealed(true)}
      onKeyDown={onKeyDown}
    >
      <span className="md-spoiler-content" inert>
        {children}
      </span>
    </span>
  );
}
