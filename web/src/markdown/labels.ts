// Names shown for mentions, shared by the React renderer and `plainText`, so a notification says
// the same `@name` the message list does.

import type { MentionKind } from './ast';

/** How the app turns ids into names. Every lookup may miss: not loaded yet, deleted, or hidden. */
export interface Resolver {
  user(id: string): string | undefined;
  role(id: string): { name: string; color: number } | undefined;
  channel(id: string): string | undefined;
  /** Image URL of a custom emoji; without it emoji render as `:name:` text. */
  emojiUrl?(id: string, animated: boolean): string;
}

/** What a clicked mention points at, for `Markdown`'s `onMention`. */
export interface MentionTarget {
  kind: MentionKind;
  id: string;
}

export function mentionLabel(kind: MentionKind, id: string, resolve?: Resolver): string {
  switch (kind) {
    case 'user':
      return `@${resolve?.user(id) ?? 'unknown-user'}`;
    case 'role':
      return `@${resolve?.role(id)?.name ?? 'unknown-role'}`;
    case 'channel':
      return `#${resolve?.channel(id) ?? 'unknown-channel'}`;
  }
}
