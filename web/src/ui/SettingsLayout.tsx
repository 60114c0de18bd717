import type { ReactNode } from 'react';

export interface SettingsTab {
  key: string;
  label: string;
}

/** Settings screens: vertical tabs beside the chosen tab's panel. */
export function SettingsLayout({
  label,
  tabs,
  current,
  onChoose,
  children,
}: {
  label: string;
  tabs: readonly SettingsTab[];
  current: string;
  onChoose: (key: string) => void;
  children: ReactNode;
}) {
  return (
    <div className="settings">
      <nav aria-label={label}>
        <ul role="tablist" aria-orientation="vertical">
          {tabs.map((t) => (
            <li key={t.key} role="none">
              <button role="tab" aria-selected={current === t.key} onClick={() => onChoose(t.key)}>
                {t.label}
              </button>
            </li>
          ))}
        </ul>
      </nav>
      <div role="tabpanel" className="settings-panel">
        {children}
      </div>
    </div>
  );
}
