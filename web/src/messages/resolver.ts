// Names for the ids inside message markdown (mentions, roles, channels), from the store.

import { useMemo } from 'react';
import { useStoreInstance } from '../state/store';
import { memberName } from '../state/select';
import type { Resolver } from '../markdown/Markdown';

export function useResolver(guild: string | null | undefined): Resolver {
  const store = useStoreInstance();
  return useMemo<Resolver>(
    () => ({
      user: (id) => (store.get().users[id] ? memberName(store.get(), guild, id) : undefined),
      role: (id) => {
        const role = guild ? store.get().guilds[guild]?.roles.find((r) => r.id === id) : undefined;
        return role ? { name: role.name, color: role.color } : undefined;
      },
      channel: (id) => store.get().channels[id]?.name ?? undefined,
      emojiUrl: (id, animated) => `/emojis/${id}.${animated ? 'gif' : 'png'}`,
    }),
    [store, guild],
  );
}
