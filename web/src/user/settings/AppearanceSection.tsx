import { useState } from 'react';
import { useClient } from '../../app/context';
import { type Theme, saveTheme, savedTheme } from '../theme';
import { notificationsAllowed } from '../notifications';

/** Theme (dark, light, or the system's) and browser notifications. */
export function AppearanceSection() {
  const client = useClient();
  const [theme, setTheme] = useState<Theme>(savedTheme());
  const [allowed, setAllowed] = useState(notificationsAllowed());
  const choose = (next: Theme) => {
    setTheme(next);
    saveTheme(next);
    if (next !== 'system') void client.rest.patch('/users/@me/settings', { theme: next }).catch(() => undefined);
  };
  return (
    <div className="stack">
      <h3>Theme</h3>
      <fieldset className="choices">
        <legend>Theme</legend>
        {(['dark', 'light', 'system'] as Theme[]).map((t) => (
          <label key={t} className="choice">
            <input type="radio" name="theme" checked={theme === t} onChange={() => choose(t)} /> {t[0].toUpperCase() + t.slice(1)}
          </label>
        ))}
      </fieldset>
      <h3>Notifications</h3>
      {typeof Notification === 'undefined' ? (
        <p className="muted">This browser has no notifications.</p>
      ) : allowed ? (
        <p>Desktop notifications are on for mentions and direct messages.</p>
      ) : (
        <button onClick={() => void Notification.requestPermission().then((p) => setAllowed(p === 'granted'))}>
          Enable desktop notifications
        </button>
      )}
    </div>
  );
}
