// Completions for the word being typed: `@` members (and roles, @everyone), `#` channels,
// `:` emoji. Inserted as the markup the server reads (`<@id>`, `<#id>`, the emoji).

import type { Channel } from '../api/types';
import type { State } from '../state/state';
import { memberName } from '../state/select';
import { EMOJIS } from '../ui/emojis';

export interface Suggestion {
  key: string;
  label: string;
  detail?: string;
  insert: string;
}

const LIMIT = 8;

/** The `@`, `#` or `:` token ending at `caret`, if any. */
export function tokenAt(text: string, caret: number): { sigil: string; query: string; start: number } | null {
  const before = text.slice(0, caret);
  const match = before.match(/(^|\s)([@#:])([^\s@#:]*)$/);
  if (!match) return null;
  return { sigil: match[2], query: match[3].toLowerCase(), start: caret - match[3].length - 1 };
}

export function suggestions(state: State, channel: Channel, text: string, caret: number): Suggestion[] {
  const token = tokenAt(text, caret);
  if (!token) return [];
  const { sigil, query } = token;
  if (sigil === '@') {
    const guild = channel.guild_id;
    const ids = guild
      ? Object.keys(state.members[guild] ?? {})
      : (channel.recipients ?? []).map((u) => u.id).concat(state.me ? [state.me.id] : []);
    const people = ids
      .map((id) => ({ id, name: memberName(state, guild, id), username: state.users[id]?.username ?? '' }))
      .filter((p) => p.name.toLowerCase().startsWith(query) || p.username.toLowerCase().startsWith(query))
      .slice(0, LIMIT)
      .map((p) => ({ key: `u${p.id}`, label: `@${p.name}`, detail: p.username, insert: `<@${p.id}> ` }));
    const roles = guild
      ? (state.guilds[guild]?.roles ?? [])
          .filter((r) => r.id !== guild && r.mentionable && r.name.toLowerCase().startsWith(query))
          .map((r) => ({ key: `r${r.id}`, label: `@${r.name}`, detail: 'role', insert: `<@&${r.id}> ` }))
      : [];
    const everyone = guild && 'everyone'.startsWith(query) ? [{ key: 'everyone', label: '@everyone', insert: '@everyone ' }] : [];
    return [...people, ...roles, ...everyone].slice(0, LIMIT);
  }
  if (sigil === '#') {
    if (!channel.guild_id) return [];
    return (state.guildChannels[channel.guild_id] ?? [])
      .map((id) => state.channels[id])
      .filter((c) => c && c.type !== 4 && (c.name ?? '').toLowerCase().startsWith(query))
      .slice(0, LIMIT)
      .map((c) => ({ key: `c${c.id}`, label: `#${c.name}`, insert: `<#${c.id}> ` }));
  }
  if (query.length < 2) return [];
  return EMOJIS.filter(([name]) => name.startsWith(query))
    .slice(0, LIMIT)
    .map(([name, char]) => ({ key: `e${name}`, label: `${char} :${name}:`, insert: `${char} ` }));
}

/** `text` with the token at `caret` replaced by `insert`, and the caret after it. */
export function replaceToken(text: string, caret: number, insert: string): { text: string; caret: number } {
  const token = tokenAt(text, caret);
  if (!token) return { text, caret };
  const next = text.slice(0, token.start) + insert + text.slice(caret);
  return { text: next, caret: token.start + insert.length };
}
