// Client-side routes on the History API: `/login`, `/register`, `/channels/@me[/dm]`,
// `/channels/<guild>/<channel>[/<thread>]`, `/invite/<code>`, `/settings/...`.

import { useSyncExternalStore } from 'react';

const listeners = new Set<() => void>();
window.addEventListener('popstate', () => listeners.forEach((l) => l()));

export function navigate(path: string, replace = false): void {
  if (path === location.pathname) return;
  if (replace) history.replaceState(null, '', path);
  else history.pushState(null, '', path);
  listeners.forEach((l) => l());
}

export function usePath(): string {
  return useSyncExternalStore(
    (l) => {
      listeners.add(l);
      return () => listeners.delete(l);
    },
    () => location.pathname,
  );
}

export interface Route {
  page: 'login' | 'register' | 'channels' | 'invite' | 'settings' | 'other';
  guild?: string;
  channel?: string;
  invite?: string;
  section?: string;
}

export function parse(path: string): Route {
  const parts = path.split('/').filter(Boolean);
  switch (parts[0]) {
    case 'login':
      return { page: 'login' };
    case 'register':
      return { page: 'register' };
    case 'invite':
      return { page: 'invite', invite: parts[1] };
    case 'settings':
      return { page: 'settings', section: parts[1] };
    case 'channels':
      return { page: 'channels', guild: parts[1] ?? '@me', channel: parts[2] };
    default:
      return { page: 'other' };
  }
}
