import type { ReactNode } from 'react';

/** A panel beside the messages (pins, search, threads). */
export function SidePanel({ title, onClose, children }: { title: string; onClose: () => void; children: ReactNode }) {
  return (
    <aside className="side-panel" aria-label={title}>
      <header>
        <h3>{title}</h3>
        <button className="icon" aria-label={`Close ${title.toLowerCase()}`} onClick={onClose}>
          ✕
        </button>
      </header>
      <div className="side-panel-body">{children}</div>
    </aside>
  );
}
