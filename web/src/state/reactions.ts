// Reaction events applied to a message's reaction list.

import type { Emoji, Message, Reaction, Snowflake } from '../api/types';

export function sameEmoji(a: Emoji, b: Emoji): boolean {
  return a.id ? a.id === b.id : a.name === b.name;
}

export function applyReaction(
  message: Message,
  kind: string,
  d: { user_id?: Snowflake; emoji?: Emoji },
  me: Snowflake | undefined,
): Message {
  if (kind === 'MESSAGE_REACTION_REMOVE_ALL') return { ...message, reactions: [] };
  const emoji = d.emoji as Emoji;
  const reactions = message.reactions ?? [];
  if (kind === 'MESSAGE_REACTION_REMOVE_EMOJI') {
    return { ...message, reactions: reactions.filter((r) => !sameEmoji(r.emoji, emoji)) };
  }
  const mine = d.user_id === me;
  const existing = reactions.find((r) => sameEmoji(r.emoji, emoji));
  let next: Reaction[];
  if (kind === 'MESSAGE_REACTION_ADD') {
    if (existing && mine && existing.me) return message;
    next = existing
      ? reactions.map((r) => (r === existing ? { ...r, count: r.count + 1, me: r.me || mine } : r))
      : [...reactions, { emoji, count: 1, me: mine }];
  } else {
    if (!existing || (mine && !existing.me)) return message;
    next = reactions
      .map((r) => (r === existing ? { ...r, count: r.count - 1, me: mine ? false : r.me } : r))
      .filter((r) => r.count > 0);
  }
  return { ...message, reactions: next };
}
