// Browser notifications for mentions and DMs while the page is hidden or another channel is
// open; clicking one opens the channel.

import { useEffect } from 'react';
import { useClient } from '../app/context';
import { navigate } from '../app/router';
import { mentionsMe } from '../state/reduce';
import { memberName } from '../state/select';
import type { Message } from '../api/types';
import { plainText } from '../markdown/Markdown';

export function notificationsAllowed(): boolean {
  return typeof Notification !== 'undefined' && Notification.permission === 'granted';
}

export function useNotifications(): void {
  const client = useClient();
  useEffect(
    () =>
      client.onDispatch((event) => {
        if (event.t !== 'MESSAGE_CREATE' || !notificationsAllowed()) return;
        const message = event.d as Message;
        const state = client.store.get();
        const status = state.me ? state.presences[state.me.id]?.status : undefined;
        if (status === 'dnd' || !mentionsMe(state, message)) return;
        const open = location.pathname.endsWith(`/${message.channel_id}`);
        if (open && document.visibilityState === 'visible') return;
        const guild = state.channels[message.channel_id]?.guild_id;
        const title = memberName(state, guild, message.author.id);
        const note = new Notification(title, { body: plainText(message.content).slice(0, 200), tag: message.id });
        note.onclick = () => {
          window.focus();
          navigate(`/channels/${guild ?? '@me'}/${message.channel_id}`);
        };
      }),
    [client],
  );
}
