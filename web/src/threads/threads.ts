import type { Channel } from '../api/types';
import type { State } from '../state/state';
import { isThread } from '../state/permissions';

/** The threads of `parent` the client knows (active ones arrive with the guild), newest first. */
export function threadsOf(state: State, parent: string): Channel[] {
  const guild = state.channels[parent]?.guild_id;
  if (!guild) return [];
  return (state.guildChannels[guild] ?? [])
    .map((id) => state.channels[id])
    .filter((c) => c && isThread(c) && c.parent_id === parent)
    .sort((a, b) => (BigInt(b.last_message_id ?? b.id) > BigInt(a.last_message_id ?? a.id) ? 1 : -1));
}
